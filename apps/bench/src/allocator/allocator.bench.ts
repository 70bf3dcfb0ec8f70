import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { startTwilioStandIn } from '@callpool/twilio-standin';
import { BenchContext } from '../context';
import { inParallel, json, poll } from '../measure/http';
import { LoadResult, runLoad } from '../measure/load';
import { CpuShare, withCpu } from '../measure/cpu';
import { difference, scrape } from '../measure/metrics';
import { freePort } from '../measure/ports';
import { HostedProcess, startHosted } from '../measure/processes';
import { seedBaseline } from '../baseline-allocator/schema';
import { DisplayTraffic, isUniqueNumber } from './traffic';

export interface AllocatorBenchOptions {
  levels: number[];
  durationMs: number;
  maxRequests: number;
  repeatShare: number;
  listings: number;
  pgPoolSize: number;
}

export interface AllocatorLevel {
  concurrency: number;
  baseline: LoadResult;
  callpool: LoadResult;
  /** The ceiling: plain node:http answering a fixed display (bare-display/bare-display.ts). */
  bare?: LoadResult;
  /** The allocator's group commits during the level: how many, their mean time and size. */
  commits?: { transactions: number; meanMs: number; meanEvents: number };
  cpu: { baseline?: CpuShare; callpool?: CpuShare; bare?: CpuShare };
}

export interface AllocatorBenchResult {
  poolSize: number;
  levels: AllocatorLevel[];
  /** Seconds the real allocator took to buy its pool from the stand-in, per level. */
  prefillSeconds: number[];
  profiles: string[];
}

const ADMIN_TOKEN = 'bench-admin-token';
const warmupFor = (concurrency: number) => Math.max(100, Math.min(1000, concurrency * 8));

interface Side {
  url: string;
  hosted: HostedProcess;
}

/**
 * POST /v1/displays at rising concurrency: the baseline (Postgres, one
 * transaction per display) and callpool's allocator (memory + Kafka group
 * commit), each alone on the machine in turn, with the same traffic and the
 * same number of free numbers at the start of every level.
 */
export async function benchAllocator(ctx: BenchContext, options: AllocatorBenchOptions): Promise<AllocatorBenchResult> {
  const poolSize =
    Math.ceil((options.maxRequests + warmupFor(Math.max(...options.levels))) * (1 - options.repeatShare) * 1.1) + 50;
  const listings = Array.from({ length: options.listings }, (_, i) => `L-bench-${i + 1}`);
  const levels = new Map<number, Partial<AllocatorLevel>>(options.levels.map((c) => [c, { concurrency: c }]));
  const profiles: string[] = [];
  const prefillSeconds: number[] = [];
  const run = async (side: Side, c: number, label: 'baseline' | 'callpool' | 'bare') => {
    const file = join(ctx.outDir, `${side.hosted.name}-c${c}.cpuprofile`);
    const measure = () => runLevel(ctx, side.url, c, options, listings, label);
    const before = label === 'callpool' ? await scrape(side.url, COMMIT_METRICS) : null;
    const { result, cpu } = await withCpu(side.hosted.pid, () =>
      ctx.profile ? side.hosted.profiled(file, measure) : measure(),
    );
    const level = levels.get(c)!;
    level[label] = result;
    level.cpu = { ...level.cpu, [label]: cpu };
    ctx.log(
      `           cpu (cores): service ${cpu.service.toFixed(2)}, load generator ${cpu.loadGenerator.toFixed(2)}, whole machine ${cpu.machine.toFixed(2)} of ${cpu.cores}`,
    );
    if (before) levels.get(c)!.commits = commitsOf(difference(await scrape(side.url, COMMIT_METRICS), before));
    if (ctx.profile) profiles.push(file);
  };

  ctx.log(
    `allocator: pool of ${poolSize} numbers, ${listings.length} premium listings, ${Math.round(options.repeatShare * 100)}% repeats`,
  );
  await withBaseline(ctx, options, poolSize, listings, async (side, reset) => {
    for (const c of options.levels) {
      await run(side, c, 'baseline');
      await reset();
    }
  });
  await withBare(ctx, async (side) => {
    for (const c of options.levels) await run(side, c, 'bare');
  });
  for (const c of options.levels) {
    // A fresh allocator (own topics, own stand-in) per level: see docs/benchmarks.md on why not a clock move.
    prefillSeconds.push(await withCallpool(ctx, poolSize, listings, (side) => run(side, c, 'callpool')));
  }
  return { poolSize, prefillSeconds, profiles, levels: [...levels.values()] as AllocatorLevel[] };
}

const COMMIT_METRICS = [
  'callpool_allocator_commit_seconds_sum',
  'callpool_allocator_commit_seconds_count',
  'callpool_allocator_commit_events_sum',
];

function commitsOf(delta: Record<string, number>) {
  const transactions = delta.callpool_allocator_commit_seconds_count ?? 0;
  return {
    transactions,
    meanMs: transactions ? (1000 * (delta.callpool_allocator_commit_seconds_sum ?? 0)) / transactions : NaN,
    meanEvents: transactions ? (delta.callpool_allocator_commit_events_sum ?? 0) / transactions : NaN,
  };
}

async function runLevel(
  ctx: BenchContext,
  url: string,
  concurrency: number,
  options: AllocatorBenchOptions,
  listings: string[],
  label: string,
): Promise<LoadResult> {
  const traffic = new DisplayTraffic({
    label: `${label}-c${concurrency}`,
    listings,
    repeatShare: options.repeatShare,
    listingsPerSession: 5,
    seed: ctx.seed + concurrency,
  });
  const result = await runLoad({
    baseUrl: url,
    concurrency,
    warmupRequests: warmupFor(concurrency),
    durationMs: options.durationMs,
    maxRequests: options.maxRequests,
    next: (client) => traffic.next(client),
    accept: isUniqueNumber,
  });
  ctx.log(
    `  ${label.padEnd(8)} c=${String(concurrency).padStart(3)}: ${Math.round(result.throughput)}/s, p50 ${result.latency.p50.toFixed(2)} ms, p99 ${result.latency.p99.toFixed(2)} ms${result.failures ? `, ${result.failures} not unique/failed ${JSON.stringify(result.failureExamples)}` : ''}`,
  );
  return result;
}

async function withBare(ctx: BenchContext, work: (side: Side) => Promise<void>): Promise<void> {
  const hosted = await startHosted('bare-display', {
    outDir: ctx.outDir,
    env: { BARE_PORT: String(await freePort()) },
  });
  try {
    await work({ url: hosted.url, hosted });
  } finally {
    await hosted.stop();
  }
}

async function withBaseline(
  ctx: BenchContext,
  options: AllocatorBenchOptions,
  poolSize: number,
  listings: string[],
  work: (side: Side, reset: () => Promise<void>) => Promise<void>,
): Promise<void> {
  const databaseUrl = await createTestDatabase('bench_baseline');
  let hosted: HostedProcess | undefined;
  try {
    hosted = await startHosted('baseline-allocator', {
      outDir: ctx.outDir,
      env: {
        DATABASE_URL: databaseUrl,
        BASELINE_PORT: String(await freePort()),
        BASELINE_PG_POOL_SIZE: String(options.pgPoolSize),
        LOG_LEVEL: 'warn',
      },
    });
    const numbers = Array.from({ length: poolSize }, (_, i) => `+1555${String(2000000 + i).padStart(7, '0')}`);
    await seedBaseline(
      databaseUrl,
      numbers,
      listings.map((listingId, i) => ({ listingId, dealerId: `D-${i % 50}`, forwardTo: dealerLine(i) })),
    );
    await work({ url: hosted.url, hosted }, () => resetBaseline(databaseUrl));
  } finally {
    await hosted?.stop();
    await dropDatabase(databaseUrl).catch(() => undefined);
  }
}

/** What the baseline's expiry job would do once sessions ended; vacuumed so every level starts alike. */
async function resetBaseline(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `UPDATE numbers SET state = 'available', visitor_id = NULL, session_id = NULL, listing_id = NULL, expires_at = NULL WHERE state <> 'available'`,
    );
    await client.query('VACUUM ANALYZE numbers');
    await client.query('VACUUM ANALYZE sessions');
  } finally {
    await client.end();
  }
}

/** The real allocator with its own topics, a manual clock and a Twilio stand-in; resolves to the pre-fill time. */
async function withCallpool(
  ctx: BenchContext,
  poolSize: number,
  listings: string[],
  work: (side: Side) => Promise<void>,
): Promise<number> {
  const standIn = await startTwilioStandIn({
    port: await freePort(),
    numbersPerAreaCode: Math.max(10_000, poolSize * 2),
  });
  let hosted: HostedProcess | undefined;
  try {
    hosted = await startHosted('allocator', {
      outDir: ctx.outDir,
      env: {
        KAFKA_BROKERS: ctx.kafkaBrokers,
        CALLPOOL_TOPIC_PREFIX: uniqueTopicPrefix('bench_allocator'),
        CALLPOOL_CLOCK: 'manual',
        ALLOCATOR_PORT: String(await freePort()),
        CALLPOOL_ADMIN_TOKEN: ADMIN_TOKEN,
        LOG_LEVEL: 'warn',
        // The load comes from this host: measure the allocator, not its rate limits.
        RATE_LIMIT_ALLOW: '127.0.0.1,::1',
        TWILIO_API_URL: standIn.url,
        TWILIO_ACCOUNT_SID: standIn.accountSid,
        TWILIO_AUTH_TOKEN: standIn.authToken,
        POOL_FLOOR: String(poolSize),
        POOL_MAX: String(poolSize),
        PROVISION_STEP: '100',
        PROVISION_RATE_PER_MINUTE: String(poolSize),
      },
    });
    const url = hosted.url;
    const t0 = performance.now();
    await inParallel(
      listings.map((listingId, i) => ({ listingId, i })),
      16,
      async ({ listingId, i }) => {
        const answer = await json(
          'PUT',
          `${url}/v1/listings/${listingId}`,
          { dealerId: `D-${i % 50}`, forwardTo: dealerLine(i), tier: 'premium' },
          ADMIN_TOKEN,
        );
        if (answer.status !== 200)
          throw new Error(`registering ${listingId}: ${answer.status} ${JSON.stringify(answer.body)}`);
      },
    );
    await poll(
      async () => ((await json('GET', `${url}/v1/pool`)).body.available >= poolSize ? true : undefined),
      `${poolSize} available numbers`,
      180_000,
      100,
    );
    const prefillSeconds = (performance.now() - t0) / 1000;
    await work({ url, hosted });
    return prefillSeconds;
  } finally {
    await hosted?.stop();
    await standIn.close();
  }
}

const dealerLine = (i: number) => `+1415555${String(1000 + (i % 9000)).padStart(4, '0')}`;
