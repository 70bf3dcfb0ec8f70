import { waitFor } from '@callpool/testing';
import { AllocatorHarness } from './testing/harness';

describe('allocator fencing', () => {
  const world = new AllocatorHarness('alloc_fencing', { POOL_FLOOR: 4, POOL_MAX: 4, CALLPOOL_CLOCK: 'manual' });

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('a second allocator of the same shard fences the first: the first stops writing and exits', async () => {
    const first = await world.start();
    await first.listing('L-1');
    await first.waitForAvailable(4);
    const shownByFirst = await first.display('v-1', 's-1', 'L-1');
    expect(shownByFirst.body.pool).toBe('session');

    const second = await world.start();
    // The second rebuilt what the first committed.
    expect((await second.display('v-1', 's-1', 'L-1')).body.number).toBe(shownByFirst.body.number);

    // The first's next transaction is refused: it answers 503 and exits, nothing of it reaches the log.
    const refused = await first.display('v-2', 's-2', 'L-1');
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    await waitFor(() => world.exits.length > 0, { what: 'the fenced allocator to exit' });
    expect(world.exits[0]).toEqual({ code: 3, reason: expect.stringContaining('fenced') });
    expect((await first.request('GET', '/health')).status).toBe(503);
    expect((await first.display('v-3', 's-3', 'L-1')).status).toBe(503);

    const fromSecond = await second.display('v-2', 's-2', 'L-1');
    expect(fromSecond.status).toBe(200);
    const log = await world.readTopic('allocations');
    const displaysOfV2 = log.filter((e) => e.type === 'NumberDisplayed' && e.data.visitorId === 'v-2');
    expect(displaysOfV2).toHaveLength(1);
    expect(displaysOfV2[0].data).toEqual(expect.objectContaining({ number: fromSecond.body.number }));
    expect(log.some((e) => e.type === 'NumberDisplayed' && e.data.visitorId === 'v-3')).toBe(false);
  });
});
