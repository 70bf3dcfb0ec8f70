import { Client } from 'pg';
import { CallpoolEvent, EventOf } from '@callpool/contracts';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { generatedHistory } from '../test-support/generated-history';
import { caughtUp, projectorConfig, snapshot, TestPublisher } from '../test-support/harness';
import { listingPerformance, poolHealth } from './migrations/1767000000002-analyst-views';
import { recomputeRollups } from './projection/rollups/backfill';
import { startProjector } from './projector';

const ROLLUPS = ['listing_visitors', 'listing_totals', 'listing_daily', 'pool_windows', 'dealer_daily'];

/**
 * Property: whatever the seed, batch size, interleaving of the three topics,
 * redeliveries and calls that move to another listing, the rollups the
 * projector maintained equal the ones computed from the raw tables, and the
 * views served from them equal the original all-history views.
 */
describe('rollups', () => {
  it.each([
    [1, 60, '7'],
    [2, 110, '13'],
    [3, 170, '50'],
  ])(
    'seed %i (%i sessions, batches of %s) equal the figures computed from the raw tables',
    async (seed, sessions, batch) => {
      const prefix = uniqueTopicPrefix(`projector_rollups_${seed}`);
      const databaseUrl = await createTestDatabase(`projector_rollups_${seed}`);
      const publisher = new TestPublisher(prefix);
      await publisher.connect();
      const projector = await startProjector({
        config: projectorConfig(prefix, databaseUrl, { PROJECTOR_BATCH_SIZE: batch }),
      });
      try {
        const history = generatedHistory(sessions, `r${seed}`, Date.parse('2030-02-01T22:00:00Z') + seed * 7 * 60_000);
        await Promise.all([
          publisher.events('allocations', [
            ...history.allocations,
            ...history.allocations.filter((_, i) => i % (seed + 3) === 0),
          ]),
          publisher.events('calls', [...history.calls, ...movedCalls(history.calls, seed)]),
          publisher.events('webEvents', history.webEvents),
        ]);
        await caughtUp(projector, 40000);
        const maintained = await snapshot(databaseUrl, ROLLUPS);
        const views = await legacyViews(databaseUrl);
        expect(views.current.listing_performance.length).toBeGreaterThan(5);
        expect(views.current.pool_health.length).toBeGreaterThan(5);
        expect(views.current).toEqual(views.legacy);
        await withClient(databaseUrl, (client) => recomputeRollups(client));
        expect(maintained).toEqual(await snapshot(databaseUrl, ROLLUPS));
      } finally {
        await projector.close();
        await publisher.disconnect();
        await dropDatabase(databaseUrl);
      }
    },
    90000,
  );
});

/** Every fifth call is attributed again to another listing (a later CallReceived, as a caller's menu choice would). */
function movedCalls(calls: CallpoolEvent[], seed: number): CallpoolEvent[] {
  return calls
    .filter((e): e is EventOf<'CallReceived'> => e.type === 'CallReceived')
    .filter((_, i) => i % 5 === seed % 5)
    .map((e, i) => ({
      ...e,
      id: `${e.id}-moved`,
      data: { ...e.data, listingId: `L-${(i + seed) % 9}`, dealerId: `D-${(i + seed) % 4}` },
    }));
}

async function legacyViews(databaseUrl: string) {
  return withClient(databaseUrl, async (client) => {
    await client.query('SET search_path = callpool');
    await client.query(listingPerformance.replace('CREATE VIEW listing_performance', 'CREATE TEMP VIEW legacy_lp'));
    await client.query(poolHealth.replace('CREATE VIEW pool_health', 'CREATE TEMP VIEW legacy_ph'));
    const rows = async (sql: string) => (await client.query(sql)).rows.map((row) => JSON.stringify(row)).sort();
    return {
      current: {
        listing_performance: await rows('SELECT * FROM listing_performance'),
        pool_health: await rows('SELECT * FROM pool_health'),
      },
      legacy: {
        listing_performance: await rows('SELECT * FROM legacy_lp'),
        pool_health: await rows('SELECT * FROM legacy_ph'),
      },
    };
  });
}

async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl, options: '-c search_path=callpool' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
