import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dropDatabase } from '@callpool/testing';
import { BenchContext } from '../context';
import { seededRandom } from '../measure/random';
import { LatencySummary, summarise } from '../measure/stats';
import { generateRaw, RollupBenchSize } from './generate';

export interface RollupBenchResult {
  size: RollupBenchSize;
  generateSeconds: number;
  /** Computing every rollup from the raw rows in one pass (what the migration does for an existing database). */
  recomputeSeconds: number;
  rollupRows: Record<string, number>;
  listingPerformance: { rollups: LatencySummary; legacyMs: number | null };
  poolHealth7Days: { rollups: LatencySummary; legacyMs: number | null };
  /** The same week from the running sums over every window since the first (the view before checkpoints). */
  poolHealth7DaysWithoutCheckpoints: LatencySummary;
}

/** The projector's built modules, loaded at run time like bench/measure/host.ts does. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const projector = (file: string): any => require(join(__dirname, '..', '..', '..', 'projector', 'src', file));

const LEGACY_TIMEOUT_MS = 120_000;
const SAMPLES = 40;

/**
 * The analysts' two slow questions on a large projection: one dealer's
 * listing_performance and a week of pool_health, served from the rollups,
 * against the all-history views they replaced (the baseline, run once each on
 * the same rows, given up after two minutes).
 */
export async function benchRollups(ctx: BenchContext, size: RollupBenchSize): Promise<RollupBenchResult> {
  const databaseUrl = await createTestDatabase('bench_rollups');
  const client = new Client({ connectionString: databaseUrl, options: '-c search_path=callpool' });
  try {
    await projector('database/migrate').migrateSchema({
      databaseUrl,
      schema: 'callpool',
      liveSchema: 'callpool',
      ownerRole: 'callpool_projector',
      warn: ctx.log,
    });
    await client.connect();
    ctx.log(
      `rollups: generating ${size.displays.toLocaleString('en-US')} displays and ${size.calls.toLocaleString('en-US')} calls`,
    );
    const generateSeconds = await generateRaw(client, size, ctx.log);
    const started = Date.now();
    await projector('projection/rollups/backfill').recomputeRollups(client);
    const recomputeSeconds = (Date.now() - started) / 1000;
    ctx.log(`  rollups: computed from the raw rows in ${recomputeSeconds.toFixed(1)} s`);
    await client.query('VACUUM ANALYZE');
    const random = seededRandom(ctx.seed);
    const dealer = () => [`D-${Math.floor(random() * size.dealers)}`];
    const week = () => [
      new Date(Date.parse('2030-01-01T00:00:00Z') + Math.floor(random() * (size.days - 7)) * 86_400_000),
    ];
    const lp = 'SELECT * FROM listing_performance WHERE dealer_id = $1';
    const ph = `SELECT * FROM pool_health WHERE window_start >= $1 AND window_start < $1::timestamptz + interval '7 days'`;
    const result: RollupBenchResult = {
      size,
      generateSeconds,
      recomputeSeconds,
      rollupRows: await rowCounts(client),
      listingPerformance: { rollups: await timed(client, lp, dealer), legacyMs: null },
      poolHealth7Days: { rollups: await timed(client, ph, week), legacyMs: null },
      poolHealth7DaysWithoutCheckpoints: await withoutCheckpoints(client, ph, week),
    };
    await legacyViews(client);
    result.listingPerformance.legacyMs = await once(client, lp.replace('listing_performance', 'legacy_lp'), dealer());
    result.poolHealth7Days.legacyMs = await once(client, ph.replace('pool_health', 'legacy_ph'), week());
    ctx.log(
      `  rollups: legacy views ${result.listingPerformance.legacyMs ?? 'timed out'} ms, ${result.poolHealth7Days.legacyMs ?? 'timed out'} ms`,
    );
    return result;
  } finally {
    await client.end().catch(() => undefined);
    await dropDatabase(databaseUrl);
  }
}

/** Client-side round trips after three unmeasured warm-ups, each with fresh parameters. */
async function timed(client: Client, sql: string, params: () => unknown[]): Promise<LatencySummary> {
  for (let i = 0; i < 3; i++) await client.query(sql, params());
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const args = params();
    const started = process.hrtime.bigint();
    await client.query(sql, args);
    samples.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return summarise(samples);
}

/** The view before checkpoints (running sums from the first window): same rows, checked here, then timed. */
async function withoutCheckpoints(client: Client, sql: string, week: () => unknown[]): Promise<LatencySummary> {
  const { poolHealth } = projector('migrations/1767000000020-rollups');
  await client.query(poolHealth.replace('CREATE OR REPLACE VIEW pool_health', 'CREATE TEMP VIEW windows_ph'));
  const windowsSql = sql.replace('pool_health', 'windows_ph');
  const params = week();
  const rows = async (text: string) => JSON.stringify((await client.query(`${text} ORDER BY 1`, params)).rows);
  if ((await rows(sql)) !== (await rows(windowsSql)))
    throw new Error('rollups: pool_health from checkpoints differs from the running sums over every window');
  return timed(client, windowsSql, week);
}

async function once(client: Client, sql: string, params: unknown[]): Promise<number | null> {
  await client.query(`SET statement_timeout = ${LEGACY_TIMEOUT_MS}`);
  const started = Date.now();
  try {
    await client.query(sql, params);
    return Date.now() - started;
  } catch (error) {
    if ((error as { code?: string }).code === '57014') return null;
    throw error;
  } finally {
    await client.query('SET statement_timeout = 0');
  }
}

async function legacyViews(client: Client): Promise<void> {
  const { listingPerformance, poolHealth } = projector('migrations/1767000000002-analyst-views');
  await client.query(listingPerformance.replace('CREATE VIEW listing_performance', 'CREATE TEMP VIEW legacy_lp'));
  await client.query(poolHealth.replace('CREATE VIEW pool_health', 'CREATE TEMP VIEW legacy_ph'));
}

async function rowCounts(client: Client): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['listing_totals', 'listing_visitors', 'listing_daily', 'pool_windows', 'pool_checkpoints'])
    counts[table] = Number((await client.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  return counts;
}
