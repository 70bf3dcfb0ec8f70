import { newEvent, topicName } from '@callpool/contracts';
import { EventPublisher } from '@callpool/kafka';
import { waitFor } from '@callpool/testing';
import { AllocatorHarness, Client, DEALER_LINE } from './testing/harness';

/** The allocator as the open web and a damaged log meet it. */
describe('allocator at the edge', () => {
  const world = new AllocatorHarness('alloc_edge', { CALLPOOL_CLOCK: 'manual', POOL_FLOOR: 3, POOL_MAX: 3 });
  let client: Client;
  let publisher: EventPublisher;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    publisher = new EventPublisher(world.kafka());
    await publisher.connect();
    await client.listing('L-1');
    await client.waitForAvailable(3);
  });
  afterAll(async () => {
    await publisher.disconnect();
    await world.tearDown();
  });

  it('refuses text Postgres cannot store with 400 unstorable_text, and bodies over the limit with 413', async () => {
    const raw = '{"visitorId":"v-1","sessionId":"s-1","listingId":"L-1","context":{"searchTerm":"\\ud800"}}';
    const lone = await client.request('POST', '/v1/displays', raw);
    expect(lone.status).toBe(400);
    expect(lone.body.error).toEqual(expect.objectContaining({ code: 'unstorable_text' }));
    const nul = await client.request('POST', '/v1/page-views', {
      visitorId: 'v-1',
      sessionId: 's-1',
      url: '/cars/L-1\u0000',
      action: 'view',
    });
    expect(nul.body.error.code).toBe('unstorable_text');
    const huge = await client.request('POST', '/v1/displays', {
      visitorId: 'v-1',
      sessionId: 's-1',
      listingId: 'L-1',
      padding: 'x'.repeat(20 * 1024),
    });
    expect({ status: huge.status, code: huge.body.error.code }).toEqual({ status: 413, code: 'payload_too_large' });
    expect((await client.pool()).displayed).toBe(0);
  });

  it('skips a malformed message on callpool.calls visibly, and applies the call after it', async () => {
    const shown = await client.display('v-2', 's-2', 'L-1');
    const startedAt = new Date(Date.parse(shown.body.expiresAt) - 9 * 60_000);
    const producer = world.kafka().producer();
    await producer.connect();
    await producer.send({ topic: topicName('calls', world.prefix), messages: [{ key: 'CA-junk', value: '{junk' }] });
    await producer.disconnect();
    const call = newEvent(
      'CallReceived',
      {
        callSid: 'CA-after-junk',
        trackingNumber: shown.body.number,
        caller: '+15550001111',
        startedAt: startedAt.toISOString(),
        attribution: 'visitor',
        confidence: 1,
        holderState: 'displayed',
        visitorId: 'v-2',
        sessionId: 's-2',
        listingId: 'L-1',
        dealerId: 'D-1',
        routedTo: DEALER_LINE,
      },
      { occurredAt: startedAt, metadata: { producer: 'call-ingest' } },
    );
    await publisher.publish({ topic: topicName('calls', world.prefix), events: [call] });
    await waitFor(async () => (await client.pool()).locked === 1, { what: 'the call after the junk to lock' });
    const metrics = await (await fetch(`${client.url}/metrics`)).text();
    expect(metrics).toMatch(/callpool_allocator_malformed_events_total\{topic="[^"]+callpool\.calls"\} 1/);
  });

  it('writes a page view retried with the same pageViewId as one event id (recorded once downstream)', async () => {
    const view = (pageViewId?: string) =>
      client.request('POST', '/v1/page-views', {
        visitorId: 'v-retry',
        sessionId: 's-retry',
        url: '/cars/L-1',
        action: 'view',
        ...(pageViewId ? { pageViewId } : {}),
      });
    for (const pageViewId of ['pv-1', 'pv-1', 'pv-2', undefined, undefined])
      expect((await view(pageViewId)).status).toBe(202);
    const ids = (await world.readTopic('webEvents'))
      .filter((e) => e.type === 'PageViewed' && e.data.visitorId === 'v-retry')
      .map((e) => e.id);
    expect(ids).toHaveLength(5);
    expect(ids[0]).toBe(ids[1]);
    expect(new Set(ids).size).toBe(4);
  });
});

/** The wall clock's expiry pass runs every EXPIRY_INTERVAL_MS: activity in between must not revive an ended session. */
describe('allocator: activity racing the expiry pass', () => {
  const world = new AllocatorHarness('alloc_revive', {
    POOL_FLOOR: 2,
    POOL_MAX: 2,
    SESSION_IDLE_SECONDS: 1,
    EXPIRY_INTERVAL_MS: 3_600_000,
  });
  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('ends a session whose idle time is up before a late page view or display of it counts', async () => {
    const client = await world.start();
    await client.listing('L-1');
    await client.waitForAvailable(2);
    const shown = await client.display('v-1', 's-1', 'L-1');
    expect(shown.body.pool).toBe('session');
    await new Promise((resolve) => setTimeout(resolve, 1300));

    const view = { visitorId: 'v-1', sessionId: 's-1', url: '/cars/L-1', action: 'view' };
    expect((await client.request('POST', '/v1/page-views', view)).status).toBe(202);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 0, cooling: 1 }));
    const ended = (await world.readTopic('allocations')).filter((e) => e.type === 'SessionExpired');
    expect(ended.map((e) => e.type === 'SessionExpired' && e.data.sessionId)).toEqual(['s-1']);

    // The same idea for a display: the page view above opened a new session, now idle too.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await client.display('v-1', 's-1', 'L-1');
    const endedAgain = (await world.readTopic('allocations')).filter((e) => e.type === 'SessionExpired');
    expect(endedAgain).toHaveLength(2);
  });
});
