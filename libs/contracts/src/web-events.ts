import { z } from 'zod';
import { Id } from './primitives';

/** Events on `callpool.web-events`, keyed by sessionId. */
export const PageViewed = z.object({
  visitorId: Id,
  sessionId: Id,
  url: z.string().min(1).max(2048),
  action: z.string().min(1).max(64),
  listingId: Id.optional(),
});

export const webEventSchemas = { PageViewed } as const;
