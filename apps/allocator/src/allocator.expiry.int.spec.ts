import { AllocatorHarness, Client } from './testing/harness';

const MIN = 60_000;

describe('allocator session expiry through the manual clock', () => {
  const world = new AllocatorHarness('alloc_expiry', {
    CALLPOOL_CLOCK: 'manual',
    SESSION_IDLE_SECONDS: 600,
    COOLDOWN_SECONDS: 1800,
    POOL_FLOOR: 2,
    POOL_MAX: 2,
  });
  let client: Client;
  let t0: number;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    await client.listing('L-1');
    await client.waitForAvailable(2);
    t0 = Date.parse((await client.display('v-0', 's-0', 'L-1')).body.expiresAt) - 10 * MIN;
  });
  afterAll(() => world.tearDown());

  it('frees a session’s numbers: displayed → cooling → available, each step at its own due time', async () => {
    const shown = await client.display('v-1', 's-1', 'L-1');
    expect(shown.body).toEqual(
      expect.objectContaining({ pool: 'session', expiresAt: new Date(t0 + 10 * MIN).toISOString() }),
    );
    expect((await client.advanceClock(t0 + 5 * MIN)).status).toBe(204);
    expect(
      (
        await client.request('POST', '/v1/page-views', {
          visitorId: 'v-1',
          sessionId: 's-1',
          url: '/cars',
          action: 'search',
        })
      ).status,
    ).toBe(202);

    expect((await client.advanceClock(t0 + 14 * MIN)).status).toBe(204);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 1, cooling: 1 })); // s-0 expired at 10 min, s-1 lives on
    expect((await client.advanceClock(t0 + 16 * MIN)).status).toBe(204);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 0, cooling: 2, available: 0 }));

    // The cool-down is a target, not a gate: with nothing free, a visitor gets the number that has
    // rested longest (s-0's) rather than the dealer's own line.
    const meanwhile = await client.display('v-2', 's-2', 'L-1');
    expect(meanwhile.body).toEqual(expect.objectContaining({ pool: 'session', attribution: 'visitor' }));
    expect(meanwhile.body.number).not.toBe(shown.body.number);

    // s-1's number finished cooling at 45 min; s-0's, reclaimed by s-2 (ended at 26), cools until 56.
    expect((await client.advanceClock(t0 + 50 * MIN)).status).toBe(204);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 0, cooling: 1, available: 1 }));
    const later = await client.display('v-3', 's-3', 'L-1');
    expect(later.body.pool).toBe('session');

    const log = await world.readTopic('allocations');
    const ofS1 = log.filter(
      (e) =>
        (e.type === 'SessionExpired' && e.data.sessionId === 's-1') ||
        (e.type === 'NumberCooledDown' && e.data.number === shown.body.number),
    );
    expect(ofS1.map((e) => [e.type, e.occurredAt])).toEqual([
      ['SessionExpired', new Date(t0 + 15 * MIN).toISOString()],
      ['NumberCooledDown', new Date(t0 + 45 * MIN).toISOString()],
    ]);
    const pageViews = await world.readTopic('webEvents');
    expect(pageViews.map((e) => [e.type, e.occurredAt])).toEqual([
      ['PageViewed', new Date(t0 + 5 * MIN).toISOString()],
    ]);
  });

  it('refuses to move the clock back (409)', async () => {
    expect((await client.advanceClock(t0)).status).toBe(409);
  });

  it('a restart keeps the session expiry right, page views included', async () => {
    await client.display('v-4', 's-4', 'L-1');
    await client.advanceClock(t0 + 55 * MIN);
    await client.request('POST', '/v1/page-views', {
      visitorId: 'v-4',
      sessionId: 's-4',
      url: '/cars',
      action: 'save',
    });
    await client.allocator.close();
    client = await world.start();
    // s-3 (shown at 50 min) ended at 60; s-4 (shown at 50, page view at 55) lives until 65.
    await client.advanceClock(t0 + 64 * MIN);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 1, cooling: 1 }));
    await client.advanceClock(t0 + 65 * MIN);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 0, cooling: 2 }));
  });
});
