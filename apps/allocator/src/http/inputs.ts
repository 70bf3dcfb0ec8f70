import { z } from 'zod';
import { E164, StorableId, storableText, Tier } from '@callpool/contracts';

/**
 * Request bodies of the allocator's API (CONTRACT.md); unknown fields are
 * dropped. These face the open web, so every string is bounded and storable
 * (no NUL, no lone surrogate: Postgres refuses both and the projector would
 * dead-letter the event) and `context` is bounded as a whole. The limits are
 * documented in apps/allocator/README.md (Input limits).
 */
export const INPUT_LIMITS = {
  contextBytes: 4096,
  demographicKeys: 16,
  demographicKeyChars: 64,
  demographicValueChars: 256,
} as const;

/** Flat key → scalar: what an analyst can group by. Nested objects are refused, not stored. */
const Demographics = z
  .record(
    storableText(1, INPUT_LIMITS.demographicKeyChars),
    z.union([storableText(0, INPUT_LIMITS.demographicValueChars), z.number().finite(), z.boolean(), z.null()]),
  )
  .refine((value) => Object.keys(value).length <= INPUT_LIMITS.demographicKeys, {
    message: `at most ${INPUT_LIMITS.demographicKeys} keys`,
  });

export const VisitorContextInput = z
  .object({
    source: storableText(0, 256).optional(),
    searchTerm: storableText(0, 512).optional(),
    referrer: storableText(0, 2048).optional(),
    landingPage: storableText(0, 2048).optional(),
    demographics: Demographics.optional(),
  })
  .strip()
  .refine((context) => Buffer.byteLength(JSON.stringify(context)) <= INPUT_LIMITS.contextBytes, {
    message: `at most ${INPUT_LIMITS.contextBytes} bytes as JSON`,
  });

export const DisplayRequest = z.object({
  visitorId: StorableId,
  sessionId: StorableId,
  listingId: StorableId,
  context: VisitorContextInput.optional(),
});

export const PageViewRequest = z.object({
  visitorId: StorableId,
  sessionId: StorableId,
  url: storableText(1, 2048),
  action: storableText(1, 64),
  listingId: StorableId.optional(),
  /** Optional: the page's own id of this view; a retry with the same id is recorded once. */
  pageViewId: StorableId.optional(),
});

/** `title` and `dealerName` (v3) are what a caller hears in the caller menu. */
export const ListingRequest = z.object({
  dealerId: StorableId,
  forwardTo: E164,
  tier: Tier,
  title: z.string().trim().pipe(storableText(1, 120)).optional(),
  dealerName: z.string().trim().pipe(storableText(1, 120)).optional(),
});

export const ListingIdParam = z.object({ listingId: StorableId });

/**
 * The ports the Fetch standard blocks ("bad port"): the projector delivers with fetch, which refuses
 * them before connecting, so a URL on one would fail every delivery for 24 hours. Refused up front.
 */
export const FETCH_BLOCKED_PORTS: ReadonlySet<number> = new Set([
  1, 7, 9, 11, 13, 15, 17, 19, 20, 21, 22, 23, 25, 37, 42, 43, 53, 69, 77, 79, 87, 95, 101, 102, 103, 104, 109, 110,
  111, 113, 115, 117, 119, 123, 135, 137, 139, 143, 161, 179, 389, 427, 465, 512, 513, 514, 515, 526, 530, 531, 532,
  540, 548, 554, 556, 563, 587, 601, 636, 989, 990, 993, 995, 1719, 1720, 1723, 2049, 3659, 4045, 4190, 5060, 5061,
  6000, 6566, 6665, 6666, 6667, 6668, 6669, 6679, 6697, 10080,
]);

/** The port a URL names, 0 when it names none (its scheme's) or is not a URL (the checks before say so). */
const explicitPort = (value: string): number => (URL.canParse(value) ? Number(new URL(value).port) : 0);

/** A dealer's call notifications: an absolute http(s) URL and the secret deliveries are signed with. */
export const DealerWebhookRequest = z.object({
  webhookUrl: z
    .string()
    .max(2048)
    .url('must be an absolute URL')
    .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://')
    .refine(
      (value) => !FETCH_BLOCKED_PORTS.has(explicitPort(value)),
      (value) => ({ message: `port ${explicitPort(value)} is one that HTTP clients refuse to call; use another` }),
    ),
  secret: z.string().min(16, 'at least 16 characters').max(512),
});

export const DealerIdParam = z.object({ dealerId: StorableId });
