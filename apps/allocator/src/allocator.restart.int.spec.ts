import { waitFor } from '@callpool/testing';
import { AllocatorHarness } from './testing/harness';

describe('allocator restart', () => {
  const world = new AllocatorHarness('alloc_restart', { POOL_FLOOR: 12, POOL_MAX: 13, CALLPOOL_CLOCK: 'manual' });

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('rebuilds exactly the state it had: same pool, same answers for the same (session, listing)', async () => {
    const first = await world.start();
    for (const listing of ['L-1', 'L-2', 'L-3']) expect((await first.listing(listing)).status).toBe(200);
    expect((await first.listing('L-S', 'standard')).status).toBe(200);
    await first.waitForAvailable(11);
    const pairs = [
      ['v-1', 's-1', 'L-1'],
      ['v-1', 's-1', 'L-2'],
      ['v-2', 's-2', 'L-1'],
      ['v-3', 's-3', 'L-3'],
      ['v-4', 's-4', 'L-S'],
    ];
    const before = await Promise.all(pairs.map(([v, s, l]) => first.display(v, s, l)));
    expect(before.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(before.map((a) => a.body.pool)).toEqual(['session', 'session', 'session', 'session', 'listing']);
    expect(
      (
        await first.request('POST', '/v1/page-views', {
          visitorId: 'v-1',
          sessionId: 's-1',
          url: '/cars/L-1',
          action: 'gallery',
          listingId: 'L-1',
        })
      ).status,
    ).toBe(202);
    // Four sessions raise the target to what POOL_MAX leaves beside the listing-level number (12):
    // the replenisher buys the one number the cap still allows, and wants more than the cap allows.
    // Snapshot only once it has (a purchase in flight would be a race, not state).
    const poolBefore = await waitFor(
      async () => {
        const pool = await first.pool();
        return pool.total === 12 && pool.provisioning === 0 ? pool : undefined;
      },
      { what: 'the replenisher to reach POOL_MAX and settle' },
    );
    expect(poolBefore).toMatchObject({ target: 12, available: 8, displayed: 4 });
    expect(poolBefore.wanted).toBeGreaterThan(0);
    await first.allocator.close();

    const second = await world.start();
    expect(await second.pool()).toEqual(poolBefore);
    const after = await Promise.all(pairs.map(([v, s, l]) => second.display(v, s, l)));
    expect(after.map((a) => [a.body.number, a.body.pool])).toEqual(before.map((a) => [a.body.number, a.body.pool]));
    expect(await second.pool()).toEqual(poolBefore);
  });
});
