import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { CallDriver } from '@callpool/call-driver';
import { waitFor } from '@callpool/testing';
import { E2eStack, http } from './support/stack';

/**
 * Chaos under load: while displays, page views and signed webhooks are
 * driven, the allocator and then call-ingest are killed with SIGKILL and
 * brought back with `npm run up`, then the Kafka broker is stopped and
 * started again, then Postgres goes away and comes back. Afterwards no number is held by two live
 * holders, every call call-ingest accepted is in `calls` exactly once, and
 * every display answered 2xx is in the log (projected into `displays`).
 * Sessions outlive the test (SESSION_IDLE_SECONDS), so any number shown to a
 * second (session, listing) would be a double hand-out. The stack runs on a
 * broker of its own (KRaft, started by `npm run up` from this checkout's
 * run dir on port 18092 (KAFKA_DATA_DIR), stopped by `npm run down`): the machine's shared
 * broker and Postgres are never restarted, other work depends on them. What a
 * Postgres restart does to the services is done to this test's database only:
 * every connection to it is terminated and new ones are refused for a while
 * (`ALLOW_CONNECTIONS false`), then it accepts them again.
 */
const run = promisify(execFile);
const root = join(__dirname, '../..');
const stack = new E2eStack('e2e_chaos', 18000, {
  KAFKA_BROKERS: '127.0.0.1:18092',
  POOL_FLOOR: '40',
  SESSION_IDLE_SECONDS: '3600',
  DEMO_SITE: 'off',
});
const env = stack.env as Record<string, string>;
// The broker's own data and pid file, in the stack's run dir (removed with it): `npm test` may be running
// this checkout's default broker from .data/kafka, which kafka.sh would otherwise take for this one.
env.KAFKA_DATA_DIR = join(env.CALLPOOL_RUN_DIR, 'kafka');
const admin = env.CALLPOOL_ADMIN_TOKEN;
const LISTINGS = ['C-1', 'C-2', 'C-3', 'C-4', 'C-5'];

interface Shown {
  sessionId: string;
  listingId: string;
  number: string;
}

const shown: Shown[] = [];
const acceptedCalls: string[] = [];
const failures = { displays: 0, pageViews: 0, calls: 0 };
let pageViews = 0;
let driving = false;
let visitors = 0;

beforeAll(() => stack.up(), 180000);
afterAll(() => stack.down(), 90000);

function kill9(service: 'allocator' | 'call-ingest'): void {
  const pid = Number(readFileSync(join(env.CALLPOOL_RUN_DIR, `${service}.pid`), 'utf8'));
  process.kill(pid, 'SIGKILL');
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Our own broker only: scripts/infra/kafka.sh acts on this checkout's pid file. */
const broker = (command: 'stop' | 'start') =>
  run('bash', ['scripts/infra/kafka.sh', command], { cwd: root, env: stack.env, timeout: 120000 });

/** Postgres "restarts" for this stack's database: its connections cut, refused for `ms`, then back. */
async function postgresOutage(ms: number): Promise<void> {
  const url = new URL(env.DATABASE_URL);
  const database = decodeURIComponent(url.pathname.slice(1));
  url.pathname = '/postgres';
  const admin = new Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS false`);
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
    await pause(ms);
  } finally {
    await admin.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS true`);
    await admin.end();
  }
}

/** A browser gives up after a while; so does the driver, and counts it as a failure. */
async function post(path: string, body: unknown): Promise<{ status: number; body: { number?: string } }> {
  const response = await fetch(`${stack.url.allocator}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: response.status, body: (await response.json()) as { number?: string } };
}

/** One visitor: a display, a page view, and every third one calls the number they saw. */
async function visitor(driver: CallDriver): Promise<void> {
  const i = visitors++;
  const [visitorId, sessionId, listingId] = [`v-${i}`, `s-${i}`, LISTINGS[i % LISTINGS.length]];
  try {
    const answer = await post('/v1/displays', { visitorId, sessionId, listingId });
    if (answer.status === 200 && answer.body.number) shown.push({ sessionId, listingId, number: answer.body.number });
    else failures.displays++;
  } catch {
    failures.displays++;
  }
  try {
    const view = { visitorId, sessionId, url: `/cars/${listingId}`, action: 'view', listingId };
    if ((await post('/v1/page-views', view)).status === 202) pageViews++;
    else failures.pageViews++;
  } catch {
    failures.pageViews++;
  }
  const seen = shown[shown.length - 1 - (i % 7)];
  if (i % 3 !== 0 || !seen) return;
  try {
    const placed = await driver.placeCall({ from: `+1555${String(2000000 + i)}`, to: seen.number });
    if (placed.status !== 200) return void failures.calls++;
    acceptedCalls.push(placed.callSid);
    await driver.complete(placed.callSid, { callDuration: 12 }).catch(() => undefined);
  } catch {
    failures.calls++;
  }
}

async function drive(width: number): Promise<void> {
  const driver = new CallDriver({ baseUrl: stack.url.callIngest, authToken: env.TWILIO_AUTH_TOKEN });
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (driving) {
        await visitor(driver);
        await pause(20);
      }
    }),
  );
}

it('loses nothing and double-books nothing when the allocator, call-ingest, Kafka and Postgres fail under load', async () => {
  for (const listingId of LISTINGS)
    expect(
      (
        await http(
          'PUT',
          `${stack.url.allocator}/v1/listings/${listingId}`,
          { dealerId: 'D-chaos', forwardTo: '+15557654321', tier: 'premium' },
          admin,
        )
      ).status,
    ).toBe(200);
  driving = true;
  const load = drive(4);
  const progress = async (what: string) => {
    const before = { shown: shown.length, calls: acceptedCalls.length };
    await waitFor(
      () => (shown.length > before.shown + 20 && acceptedCalls.length > before.calls + 5 ? true : undefined),
      {
        timeoutMs: 60000,
        what,
      },
    );
  };
  await progress('displays and calls before any fault');

  kill9('allocator');
  const callsWhileAllocatorDown = acceptedCalls.length;
  await waitFor(() => (acceptedCalls.length > callsWhileAllocatorDown + 5 ? true : undefined), {
    timeoutMs: 60000,
    what: 'calls answered while the allocator is down',
  });
  await stack.up();
  await progress('displays and calls after the allocator restarted');

  kill9('call-ingest');
  await pause(2000);
  await stack.up();
  await progress('displays and calls after call-ingest restarted');

  await broker('stop');
  const callsWhileBrokerDown = acceptedCalls.length;
  await waitFor(() => (acceptedCalls.length > callsWhileBrokerDown + 5 ? true : undefined), {
    timeoutMs: 60000,
    what: 'calls answered (from memory, spooled) while the broker is down',
  });
  await broker('start');
  await progress('displays and calls after the broker restarted');

  // Postgres away: only the projector needs it, and it must pick up where its stored offsets say.
  await postgresOutage(5000);
  await progress('displays and calls after Postgres came back');
  driving = false;
  await load;

  // The allocator, then call-ingest, really were away.
  expect(failures.displays).toBeGreaterThan(0);
  expect(failures.calls).toBeGreaterThan(0);
  await waitFor(
    async () => {
      const rows = await stack.query<{ n: string }>('SELECT count(*) AS n FROM calls WHERE call_sid = ANY($1)', [
        acceptedCalls,
      ]);
      return Number(rows[0].n) === acceptedCalls.length ? true : undefined;
    },
    { timeoutMs: 90000, what: 'every accepted call in calls' },
  );
  const perCall = await stack.query<{ call_sid: string; n: string }>(
    'SELECT call_sid, count(*) AS n FROM calls WHERE call_sid = ANY($1) GROUP BY call_sid',
    [acceptedCalls],
  );
  expect(perCall.filter((row) => row.n !== '1')).toEqual([]);
  expect(perCall).toHaveLength(new Set(acceptedCalls).size);

  await waitFor(
    async () => {
      const rows = await stack.query<{ n: string }>('SELECT count(*) AS n FROM displays WHERE session_id = ANY($1)', [
        shown.map((s) => s.sessionId),
      ]);
      return Number(rows[0].n) >= shown.length ? true : undefined;
    },
    { timeoutMs: 90000, what: 'every 2xx display projected' },
  );
  const projected = await stack.query<Shown & { session_id: string; listing_id: string }>(
    'SELECT session_id, listing_id, number FROM displays WHERE session_id = ANY($1)',
    [shown.map((s) => s.sessionId)],
  );
  const inLog = new Set(projected.map((row) => `${row.session_id}|${row.listing_id}|${row.number}`));
  expect(shown.filter((s) => !inLog.has(`${s.sessionId}|${s.listingId}|${s.number}`))).toEqual([]);

  const doubleBooked = await stack.query(
    `SELECT number, count(DISTINCT (session_id, listing_id)) AS holders FROM displays
     WHERE pool = 'session' GROUP BY number HAVING count(DISTINCT (session_id, listing_id)) > 1`,
  );
  expect(doubleBooked).toEqual([]);
  // The restarted allocator's fold agrees: every number ever handed out is still shown, or locked by a call.
  const pool = (await http('GET', `${stack.url.allocator}/v1/pool`)).body;
  const handedOut = await stack.query<{ n: string }>(
    `SELECT count(DISTINCT number) AS n FROM displays WHERE pool = 'session'`,
  );
  expect(pool.displayed + pool.locked).toBe(Number(handedOut[0].n));
  expect(pageViews).toBeGreaterThan(0);
}, 300000);
