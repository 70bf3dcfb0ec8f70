import { z } from 'zod';
import { HttpApi } from '@callpool/contracts';
import { apiError, apiRegistry, jsonAnswer, openApiDocument, OpenApiDocument } from '@callpool/service-kit';
import { DealerIdParam, DealerWebhookRequest } from './inputs';

const json = (schema: z.ZodTypeAny) => ({ content: { 'application/json': { schema } } });
const listingPath = { params: HttpApi.ListingIdParam };
const unavailable = apiError('the allocator is rebuilding its state or cannot write (Retry-After)');
const invalid = apiError('bad input: missing or non-string ids, ids over 128 characters, malformed JSON');

/** The allocator's OpenAPI 3.1 document, generated from the zod schemas its controllers validate with. */
export function allocatorOpenApi(): OpenApiDocument {
  const registry = apiRegistry();
  const { DisplayRequest, DisplayAnswer, PageViewRequest, ListingRequest, ListingAnswer, SoldAnswer, PoolAnswer } =
    HttpApi;
  registry.register('DisplayRequest', DisplayRequest);
  registry.register('DisplayAnswer', DisplayAnswer);
  registry.register('PageViewRequest', PageViewRequest);
  registry.register('ListingRequest', ListingRequest);
  registry.register('ListingAnswer', ListingAnswer);
  registry.register('PoolAnswer', PoolAnswer);
  registry.registerPath({
    method: 'post',
    path: '/v1/displays',
    tags: ['web tier'],
    summary: 'Which number to show this visitor on this listing page',
    request: { body: json(DisplayRequest) },
    responses: {
      200: jsonAnswer('the number to show (never an error for lack of numbers: overflow)', DisplayAnswer),
      400: invalid,
      404: apiError('listing_not_found'),
      410: apiError('listing_sold'),
      503: unavailable,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/page-views',
    tags: ['web tier'],
    summary: "A page view or action; keeps the visitor's session alive",
    request: { body: json(PageViewRequest) },
    responses: { 202: jsonAnswer('durably written', HttpApi.PageViewAccepted), 400: invalid, 503: unavailable },
  });
  registry.registerPath({
    method: 'put',
    path: '/v1/listings/{listingId}',
    tags: ['listings'],
    summary: 'Registers or updates a listing (a standard-tier listing gets its listing-level number)',
    security: [{ adminToken: [] }],
    request: { ...listingPath, body: json(ListingRequest) },
    responses: {
      200: jsonAnswer('the listing as registered', ListingAnswer),
      400: apiError('bad forwardTo (not E.164) or tier'),
      401: apiError('no or wrong admin token'),
      503: unavailable,
    },
  });
  registry.registerPath({
    method: 'post',
    path: '/v1/listings/{listingId}/sold',
    tags: ['listings'],
    summary: "Ends the listing's Pool 2 locks; later displays answer 410 (idempotent)",
    security: [{ adminToken: [] }],
    request: listingPath,
    responses: {
      200: jsonAnswer('sold', SoldAnswer),
      401: apiError('no or wrong admin token'),
      404: apiError('listing_not_found'),
      503: unavailable,
    },
  });
  registry.register('DealerWebhookRequest', DealerWebhookRequest);
  registry.registerPath({
    method: 'put',
    path: '/v1/dealers/{dealerId}',
    tags: ['dealers'],
    summary:
      'Where the dealer\'s call notifications go and the secret they are signed with (X-Callpool-Signature: t=<unix>,v1=<HMAC-SHA256 of "<t>.<body>">); the newest configuration wins',
    security: [{ adminToken: [] }],
    request: { params: DealerIdParam, body: json(DealerWebhookRequest) },
    responses: {
      200: jsonAnswer(
        'recorded (DealerWebhookConfigured committed); the secret is not echoed',
        HttpApi.DealerWebhookAnswer,
      ),
      400: apiError('not an absolute http(s) URL, a port HTTP clients refuse, a secret under 16 characters, a bad id'),
      401: apiError('no or wrong admin token'),
      503: unavailable,
    },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/pool',
    tags: ['operations'],
    summary: 'Numbers owned in each state, the target and purchases under way',
    responses: { 200: jsonAnswer('counts', PoolAnswer), 503: unavailable },
  });
  registry.registerPath({
    method: 'get',
    path: '/v1/snippet.js',
    tags: ['web tier'],
    summary:
      'The page snippet: swaps data-callpool-number elements inside data-callpool-listing elements for the display answer; fails safe to the number the page rendered',
    responses: {
      200: {
        description: 'JavaScript, cacheable for an hour; ETag and X-Callpool-Snippet-Version name the build',
        content: { 'application/javascript': { schema: z.string() } },
      },
      304: { description: 'not modified (If-None-Match)' },
    },
  });
  return openApiDocument(registry, {
    title: 'callpool allocator',
    version: '3',
    description:
      'Tracking numbers for the web tier (CONTRACT.md v3). Browsers may call it from ALLOWED_ORIGINS only (CORS). Errors: `{"error":{"code","message","details"}}`.',
  });
}
