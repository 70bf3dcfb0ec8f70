import { z } from 'zod';
import { Attribution, DisplayPool, E164, Id, IsoTime, Tier, VisitorContext } from './primitives';
import { PageViewed } from './web-events';

/**
 * The allocator's HTTP API (CONTRACT.md, allocator): the schemas that validate
 * its requests, describe its answers in /openapi.json and type libs/client.
 * Requests drop unknown fields; answers may gain fields (add, never rename).
 */
export const DisplayRequest = z.object({
  visitorId: Id,
  sessionId: Id,
  listingId: Id,
  context: VisitorContext.optional(),
});
export type DisplayRequest = z.infer<typeof DisplayRequest>;

export const DisplayAnswer = z.object({
  number: E164,
  pool: DisplayPool,
  attribution: Attribution,
  /** Session answers: the session's current expiry; locked answers: the lock's end. */
  expiresAt: IsoTime,
});
export type DisplayAnswer = z.infer<typeof DisplayAnswer>;

export const PageViewRequest = PageViewed;
export type PageViewRequest = z.infer<typeof PageViewRequest>;

export const PageViewAccepted = z.object({ accepted: z.literal(true) });

export const ListingRequest = z.object({
  dealerId: Id,
  forwardTo: E164,
  tier: Tier,
  /** What a caller hears in the caller menu (v3). */
  title: z.string().trim().min(1).max(120).optional(),
  dealerName: z.string().trim().min(1).max(120).optional(),
});
export type ListingRequest = z.infer<typeof ListingRequest>;

export const ListingIdParam = z.object({ listingId: Id });

export const ListingAnswer = z.object({
  listingId: Id,
  dealerId: Id,
  forwardTo: E164,
  tier: Tier,
  title: z.string().optional(),
  dealerName: z.string().optional(),
  /** The listing-level number of a standard-tier listing (null until it has one, and for premium). */
  number: E164.nullable(),
  sold: z.boolean(),
});
export type ListingAnswer = z.infer<typeof ListingAnswer>;

export const SoldAnswer = z.object({
  listingId: Id,
  sold: z.literal(true),
  /** Pool 2 locks this sale ended (0 when the listing was already sold). */
  locksEnded: z.number().int().min(0),
});
export type SoldAnswer = z.infer<typeof SoldAnswer>;

/** PUT /v1/dealers/{dealerId}: the configuration as recorded (the secret is never echoed). */
export const DealerWebhookAnswer = z.object({ dealerId: Id, webhookUrl: z.string().url() });
export type DealerWebhookAnswer = z.infer<typeof DealerWebhookAnswer>;

const count = z.number().int().min(0);
export const PoolAnswer = z.object({
  total: count,
  available: count,
  displayed: count,
  locked: count,
  cooling: count,
  target: count,
  provisioning: count,
  /** v3: numbers the replenisher would still buy if POOL_MAX allowed. */
  wanted: count.optional(),
});
export type PoolAnswer = z.infer<typeof PoolAnswer>;

/** The one error shape of every HTTP API. */
export const ApiErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.unknown()),
  }),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;
