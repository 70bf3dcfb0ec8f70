import { AllocatorHarness, Client } from './testing/harness';

const MIN = 60_000;
const CAP = 20;

/**
 * Pool economics at a small cap (issue 11): more sessions than numbers, some
 * of them expired. No display may answer overflow while the pool reports a
 * cooling number, and the numbers the cap keeps the replenisher from buying
 * show up as `wanted` in GET /v1/pool and in /metrics.
 */
describe('allocator at a small POOL_MAX', () => {
  const world = new AllocatorHarness('alloc_economics', {
    CALLPOOL_CLOCK: 'manual',
    SESSION_IDLE_SECONDS: 600,
    COOLDOWN_SECONDS: 3600,
    POOL_FLOOR: CAP,
    POOL_MAX: CAP,
    POOL_MIN_FREE: 0,
  });
  let client: Client;
  let t0: number;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    for (const listing of ['L-1', 'L-2', 'L-3', 'L-4']) await client.listing(listing);
    await client.waitForAvailable(CAP);
    t0 = Date.parse((await client.display('v-warm', 's-warm', 'L-1')).body.expiresAt) - 10 * MIN;
  });
  afterAll(() => world.tearDown());

  const wantedMetric = async () => {
    const text = await (await fetch(`${client.url}/metrics`)).text();
    return Number(/^callpool_allocator_numbers_wanted_beyond_cap (\S+)$/m.exec(text)?.[1]);
  };

  it('hands out cooling numbers instead of overflow, and says how many more numbers it wants', async () => {
    const wantedBefore = await wantedMetric();
    const answers: Array<{ pool: string; coolingBefore: number }> = [];
    // Four waves of 8 visitors x 3 listings (24 holdings > 20 numbers), each wave 11 minutes after the
    // last, so the previous wave's sessions have expired and their numbers are cooling (target 60 min).
    for (let wave = 0; wave < 4; wave++) {
      await client.advanceClock(t0 + (1 + wave * 11) * MIN);
      for (let v = 0; v < 8; v++)
        for (const listing of ['L-1', 'L-2', 'L-3']) {
          const coolingBefore = (await client.pool()).cooling;
          const shown = await client.display(`v-${wave}-${v}`, `s-${wave}-${v}`, listing);
          expect(shown.status).toBe(200);
          answers.push({ pool: shown.body.pool, coolingBefore });
        }
    }
    const overflowWhileCooling = answers.filter((a) => a.pool === 'overflow' && a.coolingBefore > 0);
    expect(overflowWhileCooling).toEqual([]);
    expect(answers.filter((a) => a.pool === 'session').length).toBeGreaterThan(CAP * 3);

    const pool = await client.pool();
    expect(pool.total).toBeLessThanOrEqual(CAP);
    expect(pool.wanted).toBeGreaterThan(wantedBefore);
    expect(await wantedMetric()).toBe(pool.wanted);

    const log = await world.readTopic('allocations');
    const reclaimed = log.filter((e) => e.type === 'NumberDisplayed' && e.data.reclaimed === true);
    expect(reclaimed.length).toBeGreaterThan(0);
    for (const e of reclaimed) {
      const cooled = (e.data as { cooledSeconds?: number }).cooledSeconds;
      expect(cooled).toBeGreaterThanOrEqual(0);
      expect(cooled).toBeLessThan(3600);
    }
  });
});
