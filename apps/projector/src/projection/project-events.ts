import { CallpoolEvent } from '@callpool/contracts';
import { projectCalls } from './calls.projection';
import { projectListings } from './listings.projection';
import { projectNumbers } from './numbers.projection';
import { RollupBatch } from './rollups/rollup-batch';
import { Db } from './sql';
import { projectVisits } from './visits.projection';
import { projectDealers } from './dealers.projection';

type Projection = 'numbers' | 'visits' | 'calls' | 'listings' | 'dealers';

/** Which projections an event feeds; exhaustive, so a new event type cannot be forgotten silently. */
export function projectionsOf(event: CallpoolEvent): Projection[] {
  switch (event.type) {
    case 'NumberProvisioned':
    case 'NumberCooledDown':
    case 'NumberLocked':
    case 'NumberUnlocked':
    case 'NumberReleased':
      return ['numbers'];
    case 'NumberDisplayed':
    case 'SessionExpired':
      return ['numbers', 'visits'];
    case 'PageViewed':
      return ['visits'];
    case 'CallReceived':
    case 'CallResolved':
    case 'CallCompleted':
    case 'DealerDialEnded':
      return ['calls'];
    case 'ListingNumberAssigned':
      return ['listings', 'numbers'];
    case 'ListingRegistered':
    case 'ListingSold':
      return ['listings'];
    case 'NumberProvisioningFailed':
      return [];
    case 'DealerWebhookConfigured':
      return ['dealers'];
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

const projections: Record<Projection, (db: Db, events: CallpoolEvent[], rollups: RollupBatch) => Promise<void>> = {
  numbers: (db, events, rollups) => projectNumbers(db, events, rollups.windows),
  visits: projectVisits,
  calls: projectCalls,
  listings: async (db, events, rollups) => {
    await projectListings(db, events);
    rollups.listingsRegistered(events.map((event) => ('listingId' in event.data ? String(event.data.listingId) : '')));
  },
  dealers: projectDealers,
};

/**
 * Applies new (already deduplicated) events, in log order, to every projection
 * they feed, and their rollups in the same transaction.
 */
export async function projectEvents(db: Db, events: CallpoolEvent[]): Promise<void> {
  if (events.length === 0) return;
  const rollups = await RollupBatch.begin(db, events);
  for (const name of Object.keys(projections) as Projection[]) {
    const relevant = events.filter((event) => projectionsOf(event).includes(name));
    if (relevant.length > 0) await projections[name](db, relevant, rollups);
  }
  await rollups.flush(db);
}
