import { z } from 'zod';
import { apiError, apiRegistry, openApiDocument, OpenApiDocument } from '@callpool/service-kit';
import { ChooseParams, DialParams, StatusParams, VoiceParams } from './webhook-params';

const form = (schema: z.ZodTypeAny) => ({ content: { 'application/x-www-form-urlencoded': { schema } } });
const twiml = (description: string) => ({ description, content: { 'text/xml': { schema: z.string() } } });
const signature = z.object({
  'x-twilio-signature': z.string().openapi({
    description: "Twilio's signature of PUBLIC_BASE_URL + path and the parameters (validated with the twilio library)",
  }),
});
const refused = apiError('missing or wrong X-Twilio-Signature: nothing is recorded');
const invalid = apiError('signed, but a parameter call-ingest needs is missing or malformed');

/**
 * call-ingest's OpenAPI 3.1 document: Twilio's webhooks, with the parameters
 * call-ingest acts on (the zod schemas it parses them with); Twilio sends more,
 * all of them signed.
 */
export function callIngestOpenApi(): OpenApiDocument {
  const registry = apiRegistry();
  registry.registerPath({
    method: 'post',
    path: '/twilio/voice',
    tags: ['twilio webhooks'],
    summary: "A call to a tracking number: TwiML that <Dial>s the attributed listing's dealer",
    request: { headers: signature, body: form(VoiceParams) },
    responses: { 200: twiml('TwiML <Dial> (or the caller menu)'), 400: invalid, 403: refused },
  });
  registry.registerPath({
    method: 'post',
    path: '/twilio/choose',
    tags: ['twilio webhooks'],
    summary:
      "The caller menu's answer (Digits, absent after a time-out): TwiML that <Dial>s the chosen listing's dealer",
    request: { headers: signature, body: form(ChooseParams) },
    responses: { 200: twiml('TwiML <Dial>'), 400: invalid, 403: refused },
  });
  registry.registerPath({
    method: 'post',
    path: '/twilio/status',
    tags: ['twilio webhooks'],
    summary: "The tracking number's status callback: the call's final status and duration, recorded once",
    request: { headers: signature, body: form(StatusParams) },
    responses: { 204: { description: 'recorded' }, 400: invalid, 403: refused },
  });
  registry.registerPath({
    method: 'post',
    path: '/twilio/dial-status',
    tags: ['twilio webhooks'],
    summary: 'The <Dial action> callback: whether the dealer answered',
    request: { headers: signature, body: form(DialParams) },
    responses: { 200: twiml('TwiML after the dealer leg (voicemail when unanswered)'), 400: invalid, 403: refused },
  });
  return openApiDocument(registry, {
    title: 'callpool call-ingest',
    version: '3',
    description:
      'Twilio\'s signed webhooks (CONTRACT.md v3, call-ingest). Errors: `{"error":{"code","message","details"}}`.',
  });
}
