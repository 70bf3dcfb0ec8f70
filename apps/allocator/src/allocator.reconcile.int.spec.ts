import { createTwilioNumbers } from '@callpool/twilio';
import { waitFor } from '@callpool/testing';
import { AllocatorHarness } from './testing/harness';

/**
 * The directory's Twilio account holds numbers that are not callpool's (its
 * main line). Reconciling after a timed-out request must leave them alone.
 */
describe('allocator reconcile', () => {
  const world = new AllocatorHarness('alloc_reconcile', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 2,
    POOL_MAX: 2,
    POOL_MIN_FREE: 0,
    TWILIO_TIMEOUT_MS: 300,
  });
  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('adopts only numbers pointing at our call-ingest, never the directory’s other numbers', async () => {
    const twilio = createTwilioNumbers({
      accountSid: world.standIn.accountSid,
      authToken: world.standIn.authToken,
      apiUrl: world.standIn.url,
      timeoutMs: 5000,
    });
    const [mainLine] = await twilio.search({ limit: 1 });
    await twilio.buy(mainLine.phoneNumber, {
      voiceUrl: 'https://directory.example.com/main-line',
      statusCallback: 'https://directory.example.com/status',
    });
    // The first Twilio request times out: the replenisher then reconciles against the account's numbers.
    world.standIn.setMode({ mode: 'slow', delayMs: 1000, times: 1 });
    const client = await world.start();
    await waitFor(async () => (world.standIn.state().counters.list > 0 ? true : undefined), {
      what: 'a reconcile (the account’s numbers listed)',
    });
    await waitFor(async () => ((await client.pool()).total === 2 ? true : undefined), { what: 'the pool bought' });

    const provisioned = await world.provisionedInLog((n) => n.length >= 2, 'both purchases committed to the log');
    expect(provisioned).toHaveLength(2);
    expect(provisioned).not.toContain(mainLine.phoneNumber);
    const directoryLine = world.standIn.state().owned.find((n) => n.phoneNumber === mainLine.phoneNumber);
    expect(directoryLine).toEqual(expect.objectContaining({ voiceUrl: 'https://directory.example.com/main-line' }));
  });
});
