import { z } from 'zod';
import { Id } from './primitives';

/** Events on `callpool.web-events`, keyed by sessionId. */
export const PageViewed = z.object({
  visitorId: Id,
  sessionId: Id,
  url: z.string().min(1).max(2048),
  action: z.string().min(1).max(64),
  listingId: Id.optional(),
  /**
   * Set when this page view would have opened a session beyond an abuse limit
   * (v3 addition): it is recorded for analysts but opens no session and is not
   * counted when the pool is sized. Same values as NumberDisplayed.overflowReason.
   */
  sessionRefused: z.enum(['sessions_per_visitor', 'sessions_per_address']).optional(),
});

export const webEventSchemas = { PageViewed } as const;
