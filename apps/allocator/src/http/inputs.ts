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

export const ListingRequest = z.object({ dealerId: Id, forwardTo: E164, tier: Tier });

export const ListingIdParam = z.object({ listingId: Id });
