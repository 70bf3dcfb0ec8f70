import { waitFor } from '@callpool/testing';
import { ADMIN_TOKEN, AllocatorHarness, Client, DEALER_LINE } from './testing/harness';

interface DisplayBody {
  pool?: string;
  number?: string;
  attribution?: string;
}

const T0 = Date.parse('2030-03-04T10:00:00Z');
const WINDOW_MS = 10 * 60_000;

/**
 * A bot storm costs overflow answers, never numbers: thousands of fresh
 * visitor ids from one client address (behind a trusted proxy, as in
 * production) leave the pool's size and target where they were, and a real
 * visitor still gets a session number.
 */
describe('allocator under a bot run', () => {
  const world = new AllocatorHarness('alloc_bots', {
    CALLPOOL_CLOCK: 'manual',
    TRUST_PROXY: 'true',
    RATE_LIMIT_ALLOW: '',
    RATE_LIMIT_PER_ADDRESS: 1500,
    RATE_LIMIT_PER_VISITOR: 100,
    RATE_LIMIT_WINDOW_SECONDS: 3600,
    RATE_LIMIT_SESSIONS_PER_ADDRESS: 2,
    SESSION_MAX_LISTINGS: 2,
    VISITOR_MAX_SESSIONS: 2,
    COOLDOWN_SECONDS: 600,
    POOL_FLOOR: 10,
    POOL_MIN_FREE: 5,
    POOL_MAX: 300,
  });
  let client: Client;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    await client.advanceClock(T0);
    for (const listingId of ['L-1', 'L-2', 'L-3']) await client.listing(listingId);
  });
  afterAll(() => world.tearDown());

  const from = (address: string, path: string, body: unknown) =>
    fetch(`${client.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify(body),
    }).then(async (response) => ({ status: response.status, body: (await response.json()) as DisplayBody }));
  const display = (address: string, visitorId: string, sessionId: string, listingId = 'L-1') =>
    from(address, '/v1/displays', { visitorId, sessionId, listingId });
  const settled = () =>
    waitFor(
      async () => {
        const pool = await client.pool();
        return pool.provisioning === 0 && pool.total >= pool.target ? pool : undefined;
      },
      { timeoutMs: 60000, what: 'the replenisher to reach its target and stop' },
    );

  it('answers overflow past the session and visitor limits, without taking numbers', async () => {
    await settled();
    const session = ['L-1', 'L-2', 'L-3'].map((listing) => () => display('198.51.100.1', 'v-many', 's-many', listing));
    const answers = [];
    for (const shown of session) answers.push(await shown());
    expect(answers.map((a) => [a.status, a.body.pool])).toEqual([
      [200, 'session'],
      [200, 'session'],
      [200, 'overflow'],
    ]);
    expect(answers[2].body.number).toBe(DEALER_LINE);
    const tabs = [];
    for (const s of ['s-tab-1', 's-tab-2', 's-tab-3']) tabs.push(await display('198.51.100.2', 'v-tabs', s));
    expect(tabs.map((a) => [a.status, a.body.pool])).toEqual([
      [200, 'session'],
      [200, 'session'],
      [200, 'overflow'],
    ]);
    expect((await client.pool()).displayed).toBe(4);
  });

  it('leaves the pool size and target alone under thousands of fresh visitor ids from one address', async () => {
    // Real traffic in the first 10-minute window sizes the pool, then the clock moves to the next window.
    for (let i = 0; i < 6; i++)
      expect((await display(`198.51.100.${10 + i}`, `v-real-${i}`, `s-real-${i}`)).status).toBe(200);
    await client.advanceClock(T0 + WINDOW_MS + 1000);
    await waitFor(async () => ((await client.pool()).displayed === 0 ? true : undefined), {
      what: 'the first sessions to expire',
    });
    const before = await settled();
    expect(before.target).toBeGreaterThan(10);

    const answers = await inParallel(1500, 16, (i) =>
      i % 5 === 4
        ? from('203.0.113.9', '/v1/page-views', {
            visitorId: `v-bot-${i}`,
            sessionId: `s-bot-${i}`,
            url: '/',
            action: 'view',
          })
        : display('203.0.113.9', `v-bot-${i}`, `s-bot-${i}`),
    );
    const shown = answers.filter((a) => a.status === 200);
    expect(answers.every((a) => [200, 202, 429].includes(a.status))).toBe(true);
    expect(shown.length).toBeGreaterThan(1000);
    expect(shown.filter((a) => a.body.pool === 'session').length).toBeLessThanOrEqual(2);
    expect(shown.filter((a) => a.body.pool === 'overflow' && a.body.number === DEALER_LINE).length).toBeGreaterThan(
      shown.length - 3,
    );

    const real = await display('198.51.100.77', 'v-real', 's-real');
    expect(real.body).toEqual(expect.objectContaining({ pool: 'session', attribution: 'visitor' }));
    const after = await settled();
    expect({ total: after.total, target: after.target }).toEqual({ total: before.total, target: before.target });
    const metrics = await (
      await fetch(`${client.url}/metrics`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })
    ).text();
    expect(metrics).toMatch(/callpool_allocator_displays_limited_total\{limit="sessions_per_address"\} \d{4}/);
  }, 180000);
});

async function inParallel<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: width }, worker));
  return results;
}
