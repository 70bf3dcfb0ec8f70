import { callIngestOpenApi } from './openapi';

describe("call-ingest's OpenAPI document", () => {
  const document = callIngestOpenApi() as unknown as {
    openapi: string;
    paths: Record<string, Record<string, any>>;
  };

  it('documents the Twilio webhooks of the contract and the routes every service has', () => {
    expect(document.openapi).toBe('3.1.0');
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        'post /twilio/voice',
        'post /twilio/choose',
        'post /twilio/status',
        'post /twilio/dial-status',
        'get /health',
        'get /metrics',
        'post /internal/clock',
        'get /openapi.json',
        'get /docs',
      ].sort(),
    );
  });

  it('describes each webhook by the form parameters call-ingest parses, signed, refused with 403 otherwise', () => {
    const voice = document.paths['/twilio/voice'].post;
    const form = voice.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(form.required).toEqual(expect.arrayContaining(['CallSid', 'To']));
    expect(Object.keys(form.properties)).toEqual(expect.arrayContaining(['CallSid', 'To', 'From']));
    expect(voice.parameters).toEqual(
      expect.arrayContaining([expect.objectContaining({ in: 'header', name: 'x-twilio-signature', required: true })]),
    );
    expect(Object.keys(voice.responses)).toEqual(expect.arrayContaining(['200', '403']));
    const status =
      document.paths['/twilio/status'].post.requestBody.content['application/x-www-form-urlencoded'].schema;
    expect(Object.keys(status.properties)).toEqual(
      expect.arrayContaining(['CallSid', 'CallStatus', 'CallDuration', 'SequenceNumber']),
    );
  });
});
