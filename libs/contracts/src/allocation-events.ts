import { z } from 'zod';
import { Attribution, DisplayPool, E164, Id, IsoTime, Tier, VisitorContext } from './primitives';

/**
 * Events on `callpool.allocations`, written only by the allocator (one shard =
 * one partition). Every change of a number's state is one of these, stamped
 * with the time it took effect, so projections never read a clock.
 * Keys: the tracking number where the event is about one number, else the
 * listing or session id (see `allocationKey`).
 */

/** A listing registered or updated by the directory (PUT /v1/listings/{id}). */
export const ListingRegistered = z.object({
  listingId: Id,
  dealerId: Id,
  forwardTo: E164,
  tier: Tier,
  /** v3: what a caller hears in the caller menu ("2019 Honda Civic"). */
  title: z.string().min(1).max(120).optional(),
  /** v3: the dealer's name, spoken when the listing has no title. */
  dealerName: z.string().min(1).max(120).optional(),
});

/**
 * A standard-tier listing was given its own listing-level number (same for every
 * visitor). The number comes out of the free pool and stops counting in
 * `GET /v1/pool`; it stays the listing's until the listing is sold, then it is
 * released (`NumberReleased`, reason `listing_sold`).
 */
export const ListingNumberAssigned = z.object({
  listingId: Id,
  dealerId: Id,
  number: E164,
});

/**
 * The listing is sold: later displays answer 410. Its Pool 2 locks end in the
 * same transaction (`NumberUnlocked`, reason `listing_sold`, numbers start cooling).
 */
export const ListingSold = z.object({ listingId: Id });

/** A number bought from Twilio joined the pool (state: available). */
export const NumberProvisioned = z.object({
  number: E164,
  /** Twilio's IncomingPhoneNumber SID, needed to release it. */
  sid: z.string().min(1),
  areaCode: z.string().optional(),
  /** The monthly renewal the number is billed on; releases happen just before it. */
  renewsAt: IsoTime.optional(),
});

/**
 * Every display answer, whatever the pool. For `session` answers that start a
 * new holding `assignmentStarted` is true; later displays of the same
 * (session, listing) only slide the session's expiry.
 */
export const NumberDisplayed = z.object({
  number: E164,
  pool: DisplayPool,
  attribution: Attribution,
  visitorId: Id,
  sessionId: Id,
  listingId: Id,
  dealerId: Id.nullable(),
  expiresAt: IsoTime,
  assignmentStarted: z.boolean(),
  /** True when this display opened the session (first display or page view of it). */
  sessionStarted: z.boolean().optional(),
  context: VisitorContext.optional(),
  /**
   * Only on `overflow` answers: why no unique number could be had.
   * `pool_empty`: no free number right now (a purchase is on its way unless at
   * POOL_MAX); `pool_max`: the spend cap is reached; `listing_number_pending`: a
   * standard-tier listing still waiting for its listing-level number.
   * Abuse limits (v3 additions; the display neither takes a number nor counts
   * towards sizing): `listings_per_session`: the session already holds
   * SESSION_MAX_LISTINGS listings; `sessions_per_visitor`: the visitor already
   * has VISITOR_MAX_SESSIONS live sessions; `sessions_per_address`: the client
   * address opened RATE_LIMIT_SESSIONS_PER_ADDRESS sessions within the window.
   */
  overflowReason: z
    .enum([
      'pool_empty',
      'pool_max',
      'listing_number_pending',
      'listings_per_session',
      'sessions_per_visitor',
      'sessions_per_address',
    ])
    .optional(),
  /**
   * On a `session` answer that starts a holding of a number held before: how
   * long it had rested since that holding ended (seconds). The cool-down the
   * budget actually bought; analysts compare it with COOLDOWN_SECONDS.
   */
  cooledSeconds: z.number().int().nonnegative().optional(),
  /**
   * True when the number was still cooling (its cool-down target not reached)
   * and went to a new holder rather than answering overflow: the pool is short
   * of numbers for its cool-down target, and the replenisher buys more.
   */
  reclaimed: z.boolean().optional(),
});

/**
 * A session went idle; its Pool 1 numbers start cooling (`coolingUntil`).
 * `occurredAt` is the session's own due time (lastSeenAt + SESSION_IDLE_SECONDS),
 * even when the allocator commits it later (after a restart, or in one manual
 * clock move). Activity of the same sessionId after `lastSeenAt` belongs to a
 * new session.
 */
export const SessionExpired = z.object({
  sessionId: Id,
  visitorId: Id,
  lastSeenAt: IsoTime,
  numbersCooling: z.array(z.object({ number: E164, listingId: Id, coolingUntil: IsoTime })),
});

/** A cooling number may be handed out again (state: available). */
export const NumberCooledDown = z.object({ number: E164 });

/**
 * A call locked the number to its holder: Pool 2 until `lockedUntil` (extended by each call).
 * Emitted for the first call (the number leaves Pool 1) and again for every
 * later call that pushes `lockedUntil` further out; a redelivered or older call
 * emits nothing. Only a number still with that holder is locked: displayed to
 * them, or cooling/available with them as its last holder and not handed to
 * anyone since.
 */
export const NumberLocked = z.object({
  number: E164,
  visitorId: Id,
  sessionId: Id.nullable(),
  listingId: Id,
  dealerId: Id.nullable(),
  callSid: z.string().min(1),
  lockedUntil: IsoTime,
  /** True when the number was already locked to this holder and the call only extends the lock (no new Pool 2 stretch). */
  extended: z.boolean().optional(),
  /** The number's state just before: `displayed` (Pool 1 stretch ends here), `cooling`/`available` (late call by the last holder), or `locked`. */
  previousState: z.enum(['displayed', 'cooling', 'available', 'locked']).optional(),
  /** Id of the `CallReceived` event that caused the lock. */
  callEventId: z.string().optional(),
});

/** A Pool 2 lock ended (it ran out, or the listing was sold); the number starts cooling. */
export const NumberUnlocked = z.object({
  number: E164,
  visitorId: Id,
  listingId: Id,
  reason: z.enum(['lock_expired', 'listing_sold']),
  coolingUntil: IsoTime,
});

/** The number was given back to Twilio (state: released). Never while locked. */
export const NumberReleased = z.object({
  number: E164,
  sid: z.string().min(1),
  reason: z.enum(['surplus', 'listing_sold', 'manual']),
});

/** A purchase from Twilio failed; the replenisher backs off. Overflow answers cover the gap. */
export const NumberProvisioningFailed = z.object({
  reason: z.string(),
  requested: z.number().int().nonnegative(),
  /** How it failed, as the Twilio adapter classified it. */
  kind: z.enum(['rate_limited', 'timeout', 'unavailable', 'rejected', 'no_numbers']).optional(),
  /** When the replenisher will try again (its back-off). */
  retryAt: IsoTime.optional(),
  areaCode: z.string().optional(),
});

/**
 * A dealer's call notifications were configured (PUT /v1/dealers/{dealerId}).
 * The log is kept forever and read by every service, so the signing secret
 * travels sealed (AES-256-GCM under DEALER_WEBHOOK_KEY, `v1.<iv>.<tag>.<data>`
 * in base64url): only holders of that key (allocator, projector) can sign.
 */
export const DealerWebhookConfigured = z.object({
  dealerId: Id,
  webhookUrl: z.string().url().max(2048),
  sealedSecret: z.string().min(1).max(4096),
});

export const allocationEventSchemas = {
  ListingRegistered,
  ListingNumberAssigned,
  ListingSold,
  NumberProvisioned,
  NumberDisplayed,
  SessionExpired,
  NumberCooledDown,
  NumberLocked,
  NumberUnlocked,
  NumberReleased,
  NumberProvisioningFailed,
  DealerWebhookConfigured,
} as const;
