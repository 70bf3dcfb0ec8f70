import { CallpoolEvent, EventData, EventType, newEvent } from '@callpool/contracts';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { startProjector } from './projector';

/**
 * A standard listing's own number is shown to every visitor of the listing:
 * analysts see it `displayed` with no pool and no visitor, it counts in none of
 * pool_health's Pool 1 figures, and a restart of the projector (state reloaded
 * from tracking_numbers) still releases it correctly when the car is sold.
 */
const at = (hhmm: string) => `2030-02-01T${hhmm}:00.000Z`;
let seq = 0;
const ev = <T extends EventType>(type: T, time: string, data: EventData<T>) =>
  newEvent(type, data, { occurredAt: at(time), metadata: { producer: 'test' }, id: `ln-${++seq}` }) as CallpoolEvent;
const NUMBER = '+15550000042';

it('shows a listing-level number as displayed, outside the pools, until it is released', async () => {
  const prefix = uniqueTopicPrefix('listing_number');
  const databaseUrl = await createTestDatabase('listing_number');
  const publisher = new TestPublisher(prefix);
  await publisher.connect();
  const config = projectorConfig(prefix, databaseUrl);
  try {
    await publisher.events('allocations', [
      ev('ListingRegistered', '10:00', {
        listingId: 'L-S',
        dealerId: 'D-S',
        forwardTo: '+15557650000',
        tier: 'standard',
      }),
      ev('NumberProvisioned', '10:00', { number: NUMBER, sid: 'PN42' }),
      ev('ListingNumberAssigned', '10:01', { listingId: 'L-S', dealerId: 'D-S', number: NUMBER }),
    ]);
    let running = await startProjector({ config });
    await caughtUp(running);
    const shown = await query(databaseUrl, 'SELECT state, pool, visitor_id, listing_id FROM callpool.tracking_numbers');
    expect(shown).toEqual([{ state: 'displayed', pool: null, visitor_id: null, listing_id: 'L-S' }]);
    const [health] = await query(
      databaseUrl,
      "SELECT displayed, available FROM callpool.pool_health WHERE window_start = '2030-02-01T10:00:00Z'",
    );
    expect(health).toEqual({ displayed: 0, available: 0 });
    await running.close();

    await publisher.events('allocations', [
      ev('ListingSold', '10:30', { listingId: 'L-S' }),
      ev('NumberReleased', '10:30', { number: NUMBER, sid: 'PN42', reason: 'listing_sold' }),
    ]);
    running = await startProjector({ config });
    await caughtUp(running);
    const released = await query(databaseUrl, 'SELECT state, pool FROM callpool.tracking_numbers');
    expect(released).toEqual([{ state: 'released', pool: null }]);
    await running.close();
  } finally {
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  }
}, 60000);
