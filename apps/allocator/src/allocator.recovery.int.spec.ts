import { waitFor } from '@callpool/testing';
import { BrokerLink } from './testing/broker-link';
import { AllocatorHarness } from './testing/harness';

describe('allocator after a failed transaction', () => {
  const world = new AllocatorHarness('alloc_recovery', { CALLPOOL_CLOCK: 'manual', POOL_FLOOR: 3, POOL_MAX: 3 });
  const link = new BrokerLink();

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('answers 503 to the failed batch, rebuilds from the log in the same process, and serves again', async () => {
    const kafka = link.kafka('allocator-recovery');
    const client = await world.start({}, { kafka });
    await client.listing('L-1');
    await client.waitForAvailable(3);
    const kept = await client.display('v-1', 's-1', 'L-1');
    expect(kept.body.pool).toBe('session');

    link.cut();
    const lost = await client.display('v-2', 's-2', 'L-1');
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('1');
    expect((await client.request('GET', '/health')).status).toBe(503);

    link.restore();
    await waitFor(async () => ((await client.request('GET', '/health')).status === 200 ? true : undefined), {
      what: 'the allocator to rebuild and report healthy',
      timeoutMs: 40_000,
    });
    expect(world.exits).toEqual([]);
    // What was committed survived; what the failed transaction carried never happened.
    expect((await client.display('v-1', 's-1', 'L-1')).body.number).toBe(kept.body.number);
    const log = await world.readTopic('allocations');
    const shownToV2 = log.filter((e) => e.type === 'NumberDisplayed' && e.data.visitorId === 'v-2');
    expect(shownToV2).toEqual([]);
    const again = await client.display('v-2', 's-2', 'L-1');
    expect(again.status).toBe(200);
    const metrics = await (await fetch(`${client.url}/metrics`)).text();
    expect(metrics).toMatch(/callpool_allocator_rebuilds_total 1/);
  }, 90_000);
});
