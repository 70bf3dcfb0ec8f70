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
