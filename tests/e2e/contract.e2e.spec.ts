import { CallDriver } from '@callpool/call-driver';
import { CallpoolClient } from '@callpool/client';
import { waitFor } from '@callpool/testing';
import { E2eStack, http } from './support/stack';

/**
 * CONTRACT.md through the built services on the manual clock, the way the
 * acceptance checks and the simulator drive them: clock moves, sliding
 * sessions, cool-down, Pool 2 locks across sessions, sold listings, overflow,
 * the main line, and /metrics.
 */
const stack = new E2eStack('e2e_contract', 14000, {
  CALLPOOL_CLOCK: 'manual',
  SESSION_IDLE_SECONDS: '60',
  COOLDOWN_SECONDS: '120',
  POOL_FLOOR: '4',
  POOL_MAX: '8',
});
const token = String(stack.env.CALLPOOL_ADMIN_TOKEN);
const { allocator, callIngest, projector } = stack.url;
const services = [allocator, callIngest, projector];
let t0 = 0;
const at = (seconds: number) => new Date(t0 + seconds * 1000).toISOString();
const api = new CallpoolClient({ baseUrl: allocator, adminToken: token, timeoutMs: 10_000 });
const pool = () => api.pool();
const display = (visitorId: string, sessionId: string, listingId: string) =>
  api.displays({ visitorId, sessionId, listingId, context: { source: 'google' } });

async function moveClocks(seconds: number): Promise<void> {
  for (const service of services) {
    const moved = await http('POST', `${service}/internal/clock`, { now: at(seconds) }, token);
    expect(moved.status).toBe(204);
  }
}

beforeAll(async () => {
  await stack.up();
  // Each manual clock started at its own wall time; line them up on the latest.
  const clocks = await Promise.all(
    services.map(async (service) =>
      Date.parse((await http('GET', `${service}/internal/clock`, undefined, token)).body.now),
    ),
  );
  t0 = Math.max(...clocks);
  await moveClocks(0);
  for (const [id, tier, forwardTo] of [
    ['L-A', 'premium', '+15557650001'],
    ['L-B', 'standard', '+15557650002'],
  ] as const)
    expect(await api.listings.put(id, { dealerId: `D-${id}`, forwardTo, tier })).toMatchObject({ listingId: id, tier });
  await waitFor(async () => (await pool()).available >= 3 || undefined, {
    what: 'the pool topped up to its floor',
    timeoutMs: 30000,
  });
}, 200000);

afterAll(() => stack.down(), 90000);

it('moves every service clock forward only (204, the same instant 204, earlier 409)', async () => {
  await moveClocks(1);
  await moveClocks(1);
  for (const service of services)
    expect((await http('POST', `${service}/internal/clock`, { now: at(0) }, token)).status).toBe(409);
});

it('moves no clock without the admin token (401)', async () => {
  for (const service of services) {
    expect((await http('POST', `${service}/internal/clock`, { now: at(2) })).status).toBe(401);
    expect((await http('POST', `${service}/internal/clock`, { now: at(2) }, 'not-the-token')).status).toBe(401);
  }
});

it('keeps a session alive with page views, then expires it at its due time and cools its number', async () => {
  const shown = await display('v-1', 's-1', 'L-A');
  expect(shown).toMatchObject({ pool: 'session', attribution: 'visitor', expiresAt: at(61) });
  const standard = await waitFor(
    async () => ((await display('v-1', 's-1', 'L-B')).pool === 'listing' ? true : undefined),
    { what: 'the listing-level number' },
  );
  expect(standard).toBe(true);
  await moveClocks(30);
  await api.pageViews({ visitorId: 'v-1', sessionId: 's-1', url: '/cars/L-A', action: 'gallery' }); // 202, or it throws
  await moveClocks(80);
  expect(await pool()).toMatchObject({ displayed: 1, cooling: 0 });
  await moveClocks(100);
  expect(await pool()).toMatchObject({ displayed: 0, cooling: 1 });
  const expired = await waitFor(
    async () =>
      (await stack.query<{ expired_at: Date }>(`select expired_at from visitor_sessions where session_id = 's-1'`))[0]
        ?.expired_at ?? undefined,
    { what: 'the projected expiry' },
  );
  expect(expired.toISOString()).toBe(at(90));
  await moveClocks(211);
  expect(await pool()).toMatchObject({ cooling: 0 });
});

it('locks a called number to its visitor in every later session, until the listing is sold', async () => {
  await moveClocks(212); // an instant of its own for the display, to know when call-ingest has read it
  const shown = await display('v-2', 's-2a', 'L-A');
  expect(shown.pool).toBe('session');
  await stack.callIngestHasSeen(at(212));
  const driver = new CallDriver({ baseUrl: callIngest, authToken: String(stack.env.TWILIO_AUTH_TOKEN) });
  const call = await driver.fullCall({ from: '+15551230002', to: shown.number, answered: true, durationS: 30 });
  expect(call.dial?.number).toBe('+15557650001');
  await waitFor(async () => (await pool()).locked === 1 || undefined, { what: 'the number locked into Pool 2' });
  await moveClocks(400); // session s-2a long over
  const returning = await display('v-2', 's-2b', 'L-A');
  expect(returning).toMatchObject({ pool: 'locked', number: shown.number, attribution: 'visitor' });
  expect(Date.parse(returning.expiresAt)).toBeGreaterThan(t0 + 29 * 86400 * 1000);
  expect(await api.listings.sold('L-A')).toMatchObject({ sold: true, locksEnded: 1 });
  expect(await api.listings.sold('L-A')).toMatchObject({ sold: true, locksEnded: 0 });
  await expect(display('v-3', 's-3', 'L-A')).rejects.toMatchObject({ status: 410, code: 'listing_sold' });
  expect(await pool()).toMatchObject({ locked: 0 });
});

it('rings the main line for a number that was never ours', async () => {
  const driver = new CallDriver({ baseUrl: callIngest, authToken: String(stack.env.TWILIO_AUTH_TOKEN) });
  const call = await driver.placeCall({ from: '+15551230003', to: '+15559990000' });
  expect(call.status).toBe(200);
  expect(call.dial?.number).toBe('+15550100999');
});

it("answers overflow with the dealer's own number, never an error, when POOL_MAX is reached", async () => {
  await api.listings.put('L-C', { dealerId: 'D-C', forwardTo: '+15557650003', tier: 'premium' });
  // Every display answers 200 (the client throws on anything else).
  const answers = await Promise.all(Array.from({ length: 12 }, (_, n) => display(`v-o${n}`, `s-o${n}`, 'L-C')));
  const overflow = answers.filter((a) => a.pool === 'overflow');
  expect(overflow.length).toBeGreaterThan(0);
  for (const a of overflow) expect(a).toMatchObject({ number: '+15557650003', attribution: 'none' });
  expect((await pool()).total).toBeLessThanOrEqual(8);
});

it('serves Prometheus metrics on every service', async () => {
  for (const service of services) {
    const metrics = await http('GET', `${service}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toContain('text/plain');
    expect(metrics.body).toContain('# HELP callpool_');
  }
});
