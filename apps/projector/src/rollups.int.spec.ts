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
        // Bursts of 15-second sessions with quiet stretches between, so the day part spans many hours (checkpoints).
        const offset = (i: number) => i * 15_000 + Math.floor(i / 8) * (37 + seed * 11) * 60_000;
        const start = Date.parse('2030-02-01T22:00:00Z') + seed * 7 * 60_000;
        const history = generatedHistory(sessions, `r${seed}`, start, offset);
        const topics = {
          allocations: [...history.allocations, ...history.allocations.filter((_, i) => i % (seed + 3) === 0)],
          calls: [...history.calls, ...movedCalls(history.calls, seed)],
          webEvents: history.webEvents,
        };
        // One topic arrives late (seeds 2 and 3), as after an outage: its changes land in windows whose later
        // hours already have checkpoints, which must take them in.
        const late = ({ 1: undefined, 2: 'webEvents', 3: 'allocations' } as const)[seed];
        const names = ['allocations', 'calls', 'webEvents'] as const;
        await Promise.all(names.filter((name) => name !== late).map((name) => publisher.events(name, topics[name])));
        if (late) {
          await caughtUp(projector, 40000);
          await publisher.events(late, topics[late]);
        }
        await caughtUp(projector, 40000);
        const maintained = await snapshot(databaseUrl, ROLLUPS);
        await expectCheckpointsHold(databaseUrl);
        const views = await legacyViews(databaseUrl);
        expect(views.current.listing_performance.length).toBeGreaterThan(5);
        expect(views.current.pool_health.length).toBeGreaterThan(5);
        expect(views.current).toEqual(views.legacy);
        await withClient(databaseUrl, (client) => recomputeRollups(client));
        expect(maintained).toEqual(await snapshot(databaseUrl, ROLLUPS));
        await expectCheckpointsHold(databaseUrl);
        expect((await legacyViews(databaseUrl)).current).toEqual(views.legacy);
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

/**
 * pool_health's hourly checkpoints: one for every hour from the first window's
 * to the newest window's, each the sum of every window's deltas before it; and
 * every window's level within its hour.
 */
async function expectCheckpointsHold(databaseUrl: string) {
  const levels = (alias: string) =>
    `json_build_array(${['sessions', 'displayed', 'locked', 'available', 'cooling'].map((c) => `COALESCE(${alias}.${c}, 0)`).join(', ')})::text`;
  const hour = (c: string) => `date_bin('1 hour', ${c}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
  const wrong = await withClient(databaseUrl, async (client) => {
    const hours = await client.query(
      `WITH hours AS (
         SELECT generate_series(${hour('min(window_start)')}, ${hour('max(window_start)')}, interval '1 hour') AS h
         FROM pool_windows
       )
       SELECT h, e.levels AS expected, ${levels('c')} AS kept
       FROM hours
       CROSS JOIN LATERAL (
         SELECT ${levels('s')} AS levels FROM (
           SELECT sum(sessions) AS sessions, sum(displayed) AS displayed, sum(locked) AS locked,
                  sum(available) AS available, sum(cooling) AS cooling
           FROM pool_windows WHERE window_start < h) s
       ) e
       LEFT JOIN pool_checkpoints c ON c.hour_start = h`,
    );
    const windows = await client.query(
      `SELECT w.window_start, e.levels AS expected, ${levels('l')} AS kept
       FROM pool_windows w
       CROSS JOIN LATERAL (
         SELECT ${levels('s')} AS levels FROM (
           SELECT sum(sessions) AS sessions, sum(displayed) AS displayed, sum(locked) AS locked,
                  sum(available) AS available, sum(cooling) AS cooling
           FROM pool_windows p WHERE p.window_start >= ${hour('w.window_start')} AND p.window_start <= w.window_start) s
       ) e
       LEFT JOIN pool_window_levels l ON l.window_start = w.window_start`,
    );
    expect(hours.rows.length).toBeGreaterThan(5);
    expect(windows.rows.length).toBeGreaterThan(30);
    return [...hours.rows, ...windows.rows].filter((row) => row.kept !== row.expected);
  });
  expect(wrong).toEqual([]);
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
