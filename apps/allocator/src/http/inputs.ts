import { z } from 'zod';
import { E164, Id, Tier, VisitorContext, WebEvents } from '@callpool/contracts';

/** Request bodies of the allocator's API (CONTRACT.md); unknown fields are dropped. */
export const DisplayRequest = z.object({
  visitorId: Id,
  sessionId: Id,
  listingId: Id,
  context: VisitorContext.optional(),
});

export const PageViewRequest = WebEvents.PageViewed;

/** `title` and `dealerName` (v3) are what a caller hears in the caller menu. */
export const ListingRequest = z.object({
  dealerId: Id,
  forwardTo: E164,
  tier: Tier,
  title: z.string().trim().min(1).max(120).optional(),
  dealerName: z.string().trim().min(1).max(120).optional(),
});

export const ListingIdParam = z.object({ listingId: Id });

/** A dealer's call notifications: an absolute http(s) URL and the secret deliveries are signed with. */
export const DealerWebhookRequest = z.object({
  webhookUrl: z
    .string()
    .max(2048)
    .url('must be an absolute URL')
    .refine((value) => /^https?:\/\//.test(value), 'must start with http:// or https://'),
  secret: z.string().min(16, 'at least 16 characters').max(512),
});

export const DealerIdParam = z.object({ dealerId: Id });
