import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { databaseUrl, dropDatabase, uniqueName, waitFor } from '@callpool/testing';
import { SimulationReport } from './report/report';
import { runSimulation } from './simulation';

/**
 * A small seeded evening (two simulated hours, a few hundred sessions) on a
 * stack of its own, judged against the truth the simulator kept. The pool is
 * uncongested on purpose (a floor well above the traffic's need, never-used
 * numbers handed out first), so no number is reused while a late caller may
 * still dial it: every call must then reach the right dealer and be put down
 * to the right visitor.
 */
const run = promisify(execFile);
const root = join(__dirname, '../../..');
const name = uniqueName('e2e_sim');
const own = {
  CALLPOOL_CLOCK: 'manual',
  CALLPOOL_RUN_DIR: join(root, '.data', name),
  CALL_INGEST_DATA_DIR: join(root, '.data', name, 'call-ingest'),
  CALLPOOL_TOPIC_PREFIX: `${name}.`,
  DATABASE_URL: databaseUrl(name),
  ALLOCATOR_PORT: '13201',
  CALL_INGEST_PORT: '13202',
  PROJECTOR_PORT: '13203',
  TWILIO_STANDIN_PORT: '13210',
  DEMO_SITE: 'off',
  PUBLIC_BASE_URL: 'http://127.0.0.1:13202',
  CALLPOOL_ADMIN_TOKEN: 'e2e-sim-admin-token',
  TWILIO_AUTH_TOKEN: 'e2e-sim-twilio-token',
  POOL_FLOOR: '1600',
  POOL_MAX: '3000',
  PROVISION_STEP: '100',
  PROVISION_RATE_PER_MINUTE: '5000',
  REPLENISH_INTERVAL_MS: '200',
  LOG_LEVEL: 'warn',
};
const env: NodeJS.ProcessEnv = { ...process.env, ...own };
delete env.TWILIO_API_URL;

/** up()/down() of scripts/lib/stack.mjs are ES modules: run them in a child node. */
function stack(action: 'up' | 'down'): Promise<unknown> {
  const code = `const { stackEnv } = await import('./scripts/lib/env.mjs');
    const stack = await import('./scripts/lib/stack.mjs');
    await stack.${action}(stackEnv(process.env).env, { log: () => {} });`;
  return run(process.execPath, ['--input-type=module', '-e', code], { cwd: root, env, timeout: 150_000 });
}

describe('a seeded simulation against the running services', () => {
  let report: SimulationReport;

  beforeAll(async () => {
    await stack('up');
    await waitFor(
      async () => {
        const pool = (await (await fetch('http://127.0.0.1:13201/v1/pool')).json()) as { total: number };
        return pool.total >= 1600;
      },
      { timeoutMs: 60_000, what: 'the pool to reach its floor' },
    );
    report = await runSimulation({
      urls: {
        allocator: 'http://127.0.0.1:13201',
        callIngest: 'http://127.0.0.1:13202',
        projector: 'http://127.0.0.1:13203',
      },
      databaseUrl: own.DATABASE_URL,
      schema: 'callpool',
      adminToken: own.CALLPOOL_ADMIN_TOKEN,
      twilioAuthToken: own.TWILIO_AUTH_TOKEN,
      publicBaseUrl: own.PUBLIC_BASE_URL,
      model: {
        seed: 'e2e',
        startMs: Date.parse('2030-01-07T19:00:00Z'),
        days: 120 / 1440,
        visitorsPerDay: 1400,
        listings: 200,
        callProbability: 0.2,
      },
      stepSeconds: 30,
      concurrency: 16,
      settleMs: 3000,
      ruleListingsPerSession: 5,
    });
  }, 170_000);

  afterAll(async () => {
    await stack('down').catch(() => undefined);
    await dropDatabase(own.DATABASE_URL).catch(() => undefined);
    rmSync(own.CALLPOOL_RUN_DIR, { recursive: true, force: true });
  }, 60_000);

  it('counts every call it placed exactly once in Postgres, and every display', () => {
    expect(report.calls.placed).toBeGreaterThan(30);
    expect(report.calls.projected).toBe(report.calls.placed);
    expect(report.calls.duplicates).toBe(0);
    expect(report.calls.withoutNumber).toBe(0);
    expect(report.displays.projected).toBe(report.displays.total);
    expect(report.pool.projected.pageViews).toBe(report.traffic.pageViews);
  });

  it('puts every call made during the session down to the right visitor', () => {
    const inSession = report.attribution['in-session'];
    expect(inSession.calls).toBeGreaterThan(10);
    expect(inSession.rightVisitor).toBe(inSession.calls);
  });

  it('on an uncongested pool routes no call to a wrong dealer, and Pool 2 calls reach the right visitor', () => {
    expect(report.pool.overflowDisplays).toBe(0);
    expect(report.attribution.all.wrongDealer).toBe(0);
    expect(report.attribution.all.mainLine).toBe(0);
    expect(report.attribution.all.notProjected).toBe(0);
    expect(report.attribution['pool-2'].rightVisitor).toBe(report.attribution['pool-2'].calls);
    // Late calls may meet another visitor of the same listing: the reuse policy prefers the listing's own
    // numbers (right dealer, wrong visitor), so they are not all the caller's; but most are.
    expect(report.attribution['after-session'].shares.rightVisitor).toBeGreaterThan(0.5);
    expect(report.attribution['listing-level'].listingLevel).toBe(report.attribution['listing-level'].calls);
  });
});
