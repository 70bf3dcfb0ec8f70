import { newEvent, topicName } from '@callpool/contracts';
import { EventPublisher } from '@callpool/kafka';
import { waitFor } from '@callpool/testing';
import { AllocatorHarness, Client, DEALER_LINE } from './testing/harness';

/**
 * A call answered with the caller menu locks nothing until the caller has
 * said which listing they meant (CallResolved); then the number is locked to
 * the chosen visitor and listing, if it is still theirs to lock.
 */
describe('allocator and the caller menu', () => {
  const world = new AllocatorHarness('alloc_menu', { CALLPOOL_CLOCK: 'manual', POOL_FLOOR: 3, POOL_MAX: 3 });
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

  it('locks the number for the chosen candidate only once the choice is recorded', async () => {
    await client.listing('L-1');
    await client.waitForAvailable(3);
    const shown = await client.display('v-1', 's-1', 'L-1');
    const startedAt = new Date(Date.parse(shown.body.expiresAt) - 9 * 60_000).toISOString();
    const holder = { visitorId: 'v-1', sessionId: 's-1', listingId: 'L-1', dealerId: 'D-1' };
    const call = { callSid: 'CA-menu', trackingNumber: shown.body.number, caller: '+15550001111', startedAt };
    const meta = { occurredAt: startedAt, metadata: { producer: 'call-ingest' } };
    const option = (digit: string, visitorId: string) => ({
      digit,
      ...holder,
      visitorId,
      confidence: 0.8,
      routedTo: DEALER_LINE,
    });
    const asked = newEvent(
      'CallReceived',
      {
        ...call,
        ...{ attribution: 'visitor', confidence: 1, holderState: 'displayed', ...holder },
        ...{
          routedTo: DEALER_LINE,
          resolvedBy: 'no_input',
          candidates: 2,
          menu: [option('1', 'v-1'), option('2', 'v-2')],
        },
      },
      meta,
    );
    // The menu's first option is the holder, so a plain CallReceived would lock at once: this one must not.
    await publisher.publish({ topic: topicName('calls', world.prefix), events: [asked] });
    const pageView = { visitorId: 'v-1', sessionId: 's-1', url: '/cars/L-1', action: 'view' };
    // A page view goes through the same group commit: once it is answered, the menu call has been read too.
    await waitFor(async () => (await client.request('POST', '/v1/page-views', pageView)).status === 202, {
      what: 'a page view',
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await client.pool()).locked).toBe(0);

    const chose = newEvent(
      'CallResolved',
      {
        ...call,
        ...{ resolvedBy: 'caller_choice', digit: '1', attribution: 'visitor', confidence: 0.8, ...holder },
        ...{ routedTo: DEALER_LINE, candidates: 2 },
      },
      meta,
    );
    await publisher.publish({ topic: topicName('calls', world.prefix), events: [chose, chose] });
    await waitFor(async () => (await client.pool()).locked === 1, { what: 'the number to be locked' });
    expect((await client.display('v-1', 's-2', 'L-1')).body).toEqual(
      expect.objectContaining({ number: shown.body.number, pool: 'locked' }),
    );
  });
});
