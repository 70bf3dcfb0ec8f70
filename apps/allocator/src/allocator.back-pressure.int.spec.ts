import { waitFor } from '@callpool/testing';
import { BrokerLink } from './testing/broker-link';
import { AllocatorHarness, Client } from './testing/harness';

/** The group commit's gauge of decided events that wait for a transaction. */
async function waitingEvents(client: Client): Promise<number> {
  const metrics = await (await fetch(`${client.url}/metrics`)).text();
  return Number(/^callpool_allocator_commit_waiting_events (\d+)/m.exec(metrics)?.[1] ?? NaN);
}

/**
 * A broker that stops answering (the link stalls: requests go out, no answer
 * comes back) must cost visitors quick 503s with Retry-After, never hanging
 * requests or a queue that grows without bound.
 */
describe('allocator group commit under a stalled broker', () => {
  const world = new AllocatorHarness('alloc_backpressure', { CALLPOOL_CLOCK: 'manual', POOL_FLOOR: 8, POOL_MAX: 8 });

  beforeAll(() => world.setUp());
  const links: BrokerLink[] = [];
  const newLink = () => links[links.push(new BrokerLink()) - 1];
  // A failed expectation must not leave a link stalled: the allocator could not close.
  afterAll(async () => {
    for (const link of links) link.resume();
    await world.tearDown();
  });

  it('answers 503 commit_timeout when the transaction does not commit in time; the retry gets the same number', async () => {
    const link = newLink();
    const client = await world.start({ COMMIT_TIMEOUT_MS: 1000 }, { kafka: link.kafka('allocator-timeout') });
    await client.listing('L-1');
    await client.waitForAvailable(8);

    link.stall();
    const late = await client.display('v-1', 's-1', 'L-1');
    expect(late.status).toBe(503);
    expect(late.body.error.code).toBe('commit_timeout');
    expect(late.headers.get('retry-after')).toBe('1');

    link.resume();
    // The decision was kept and committed once the broker answered: the retry shows the number it handed out.
    const retried = await client.display('v-1', 's-1', 'L-1');
    expect(retried.status).toBe(200);
    const shown = (await world.readTopic('allocations')).filter(
      (e) => e.type === 'NumberDisplayed' && e.data.visitorId === 'v-1',
    );
    expect(shown.map((e) => (e.data as { number: string; assignmentStarted: boolean }).assignmentStarted)).toEqual([
      true,
      false,
    ]);
    expect(shown.every((e) => (e.data as { number: string }).number === retried.body.number)).toBe(true);
    await client.allocator.close();
  }, 90_000);

  it('refuses new displays with 503 overloaded once COMMIT_QUEUE_MAX events wait, deciding nothing for them', async () => {
    const link = newLink();
    const client = await world.start(
      { COMMIT_QUEUE_MAX: 3, COMMIT_TIMEOUT_MS: 60_000 },
      { kafka: link.kafka('allocator-queue') },
    );
    await client.listing('L-2');
    // The first case's visitor still holds one of the eight.
    await client.waitForAvailable(7);

    link.stall();
    // The first goes into a transaction the broker never answers; the next ones wait behind it.
    const queued = ['q-1', 'q-2', 'q-3', 'q-4'].map((v) => client.display(v, `s-${v}`, 'L-2'));
    await waitFor(async () => ((await waitingEvents(client)) >= 3 ? true : undefined), {
      what: 'three decided displays waiting for a transaction',
      timeoutMs: 20_000,
    });
    const refused = await client.display('v-over', 's-over', 'L-2');
    expect(refused.status).toBe(503);
    expect(refused.body.error.code).toBe('overloaded');
    expect(refused.headers.get('retry-after')).toBe('1');

    link.resume();
    const answers = await Promise.all(queued);
    const log = await world.readTopic('allocations');
    const displayed = (visitorId: string) =>
      log.filter((e) => e.type === 'NumberDisplayed' && e.data.visitorId === visitorId);
    expect(displayed('v-over')).toEqual([]);
    // What was queued was answered after its commit, and only then.
    for (const [i, answer] of answers.entries()) {
      if (answer.status !== 200) continue;
      expect(displayed(`q-${i + 1}`).map((e) => (e.data as { number: string }).number)).toEqual([answer.body.number]);
    }
    expect(answers.filter((a) => a.status === 200).length).toBeGreaterThanOrEqual(3);
  }, 90_000);
});
