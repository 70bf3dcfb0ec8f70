import { newEvent, topicName } from '@callpool/contracts';
import { EventPublisher } from '@callpool/kafka';
import { waitFor } from '@callpool/testing';
import { AllocatorHarness, Client, DEALER_LINE } from './testing/harness';

describe('allocator listings, locks and the API contract', () => {
  const world = new AllocatorHarness('alloc_listings', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 4,
    POOL_MAX: 4,
    LOCK_DAYS: 30,
  });
  let client: Client;
  let publisher: EventPublisher;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    publisher = new EventPublisher(world.kafka());
    await publisher.connect();
  });
  afterAll(async () => {
    await publisher.disconnect();
    await world.tearDown();
  });

  const callOn = (
    number: string,
    visitorId: string,
    sessionId: string,
    listingId: string,
    callSid: string,
    startedAt: Date,
  ) =>
    newEvent(
      'CallReceived',
      {
        callSid,
        trackingNumber: number,
        caller: '+15550001111',
        startedAt: startedAt.toISOString(),
        attribution: 'visitor',
        confidence: 1,
        holderState: 'displayed',
        visitorId,
        sessionId,
        listingId,
        dealerId: 'D-1',
        routedTo: DEALER_LINE,
      },
      { occurredAt: startedAt, metadata: { producer: 'call-ingest' } },
    );

  it('a call locks the number to its holder (Pool 2), and selling the listing ends the lock', async () => {
    await client.listing('L-1');
    await client.waitForAvailable(4);
    const shown = await client.display('v-1', 's-1', 'L-1');
    const startedAt = new Date(Date.parse(shown.body.expiresAt) - 9 * 60_000);
    const call = callOn(shown.body.number, 'v-1', 's-1', 'L-1', 'CA-1', startedAt);
    // Published twice (a redelivery): one lock.
    await publisher.publish({ topic: topicName('calls', world.prefix), events: [call, call] });
    await waitFor(async () => (await client.pool()).locked === 1, { what: 'the number to be locked' });

    const returning = await client.display('v-1', 's-99', 'L-1');
    expect(returning.body).toEqual({
      number: shown.body.number,
      pool: 'locked',
      attribution: 'visitor',
      expiresAt: new Date(startedAt.getTime() + 30 * 24 * 3600_000).toISOString(),
    });

    expect((await client.request('POST', '/v1/listings/L-1/sold', undefined, null)).status).toBe(401);
    const sold = await client.request('POST', '/v1/listings/L-1/sold');
    expect(sold.status).toBe(200);
    expect(sold.body).toEqual({ listingId: 'L-1', sold: true, locksEnded: 1 });
    expect(await client.pool()).toEqual(expect.objectContaining({ locked: 0, cooling: 1 }));
    expect((await client.request('POST', '/v1/listings/L-1/sold')).status).toBe(200);
    const gone = await client.display('v-1', 's-1', 'L-1');
    expect(gone.status).toBe(410);
    expect(gone.body.error.code).toBe('listing_sold');

    const log = await world.readTopic('allocations');
    expect(log.filter((e) => e.type === 'NumberLocked')).toHaveLength(1);
    expect(log.filter((e) => e.type === 'NumberUnlocked').map((e) => e.data)).toEqual([
      expect.objectContaining({
        number: shown.body.number,
        visitorId: 'v-1',
        listingId: 'L-1',
        reason: 'listing_sold',
      }),
    ]);
  });

  it('a restarted allocator does not lock a call twice (offsets committed with the lock)', async () => {
    await client.listing('L-2');
    const shown = await client.display('v-2', 's-2', 'L-2');
    await publisher.publish({
      topic: topicName('calls', world.prefix),
      events: [
        callOn(shown.body.number, 'v-2', 's-2', 'L-2', 'CA-2', new Date(Date.parse(shown.body.expiresAt) - 60_000)),
      ],
    });
    await waitFor(async () => (await client.pool()).locked === 1, { what: 'the second lock' });
    await client.allocator.close();
    client = await world.start();
    expect(await client.pool()).toEqual(expect.objectContaining({ locked: 1 }));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const log = await world.readTopic('allocations');
    expect(log.filter((e) => e.type === 'NumberLocked').map((e) => e.data.callSid)).toEqual(['CA-1', 'CA-2']);
  });

  it('guards the listing endpoints and answers errors in one shape', async () => {
    const put = (id: string, body: unknown, token: string | null = 'test-admin-token') =>
      client.request('PUT', `/v1/listings/${id}`, body, token);
    const good = { dealerId: 'D-1', forwardTo: DEALER_LINE, tier: 'premium' };
    expect((await put('L-3', good, null)).status).toBe(401);
    expect((await put('L-3', good, 'wrong-token-value')).body).toEqual({
      error: expect.objectContaining({ code: 'unauthorized' }),
    });
    expect((await put('L-3', { ...good, forwardTo: '555-1234' })).status).toBe(400);
    expect((await put('L-3', { ...good, tier: 'gold' })).status).toBe(400);
    expect((await put('x'.repeat(129), good)).status).toBe(400);
    expect((await put('y'.repeat(128), good)).status).toBe(200);
    const standard = await put('L-3', { ...good, tier: 'standard' });
    expect(standard.body).toEqual(expect.objectContaining({ listingId: 'L-3', tier: 'standard', sold: false }));

    const display = (body: unknown) => client.request('POST', '/v1/displays', body);
    expect((await display({ visitorId: 'v', sessionId: 's', listingId: 'L-404' })).body).toEqual({
      error: expect.objectContaining({ code: 'listing_not_found' }),
    });
    expect((await display({ visitorId: 42, sessionId: 's', listingId: 'L-3' })).status).toBe(400);
    expect((await display({ visitorId: 'v'.repeat(129), sessionId: 's', listingId: 'L-3' })).status).toBe(400);
    expect((await display({ sessionId: 's', listingId: 'L-3' })).body).toEqual({
      error: { code: 'invalid_request', message: expect.any(String), details: expect.any(Array) },
    });
    expect((await display('{"visitorId": ')).status).toBe(400);
    expect((await client.request('POST', '/v1/listings/L-404/sold')).status).toBe(404);
    const listed = await display({
      visitorId: 'v',
      sessionId: 's',
      listingId: 'L-3',
      unknown: true,
      context: { source: 'google', extra: 1 },
    });
    expect(listed.body).toEqual(
      expect.objectContaining({ pool: expect.stringMatching(/^(listing|overflow)$/), attribution: expect.any(String) }),
    );
    expect((await client.request('POST', '/v1/page-views', { visitorId: 'v', sessionId: 's' })).status).toBe(400);
  });
});
