import { createTwilioNumbers } from '@callpool/twilio';
import { waitFor } from '@callpool/testing';
import { AllocatorHarness, Client } from './testing/harness';

const OUR_VOICE_URL = 'http://127.0.0.1:3002/twilio/voice';

/**
 * Numbers the log and the Twilio account disagree on are costs billed every
 * month: a release that failed is retried with back-off, and start-up
 * reconciles the account against the log once (a number bought just before a
 * crash is recorded; one released in the log but still owned is released).
 */
describe('allocator releases and start-up reconcile', () => {
  const world = new AllocatorHarness('alloc_releases', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 1,
    POOL_MAX: 1,
    POOL_MIN_FREE: 0,
    PROVISION_BACKOFF_MS: 20000,
    RELEASE_RETRY_BASE_MS: 100,
    RELEASE_RETRY_MAX_MS: 400,
  });
  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  const ownedAtTwilio = () => world.standIn.state().owned.map((n) => n.phoneNumber);
  const sellStandardListing = async (client: Client, listingId: string) => {
    await client.listing(listingId, 'standard');
    const shown = await client.display('v-1', `s-${listingId}`, listingId);
    expect(shown.body.pool).toBe('listing');
    expect((await client.request('POST', `/v1/listings/${listingId}/sold`)).status).toBe(200);
    return shown.body.number as string;
  };

  it('retries a release Twilio keeps refusing until it goes through', async () => {
    const client = await world.start();
    await client.waitForAvailable(1);
    // More failures in a row than any fixed number of attempts in one go.
    world.standIn.setMode({ mode: 'fail', times: 8 });
    const number = await sellStandardListing(client, 'L-1');
    await waitFor(() => (ownedAtTwilio().includes(number) ? undefined : true), {
      timeoutMs: 30000,
      what: `${number} released at Twilio`,
    });
    expect(world.standIn.state().counters.faulted).toBe(8);
    await world.running.pop()?.close();
  });

  it('at start, adopts a number bought but never recorded and releases one released but still owned', async () => {
    let client = await world.start();
    await client.waitForAvailable(1);
    world.standIn.setMode({ mode: 'fail', times: 1000 });
    const stillOwned = await sellStandardListing(client, 'L-2');
    await waitFor(() => (world.standIn.state().counters.faulted >= 1 ? true : undefined), {
      what: 'the release to fail',
    });
    await world.running.pop()?.close(); // the process dies before any retry gets through
    world.standIn.setMode({ mode: 'ok' });
    expect(ownedAtTwilio()).toContain(stillOwned);

    // A purchase that completed at Twilio just before the crash, never recorded in the log.
    const twilio = createTwilioNumbers({
      accountSid: world.standIn.accountSid,
      authToken: world.standIn.authToken,
      apiUrl: world.standIn.url,
      timeoutMs: 5000,
    });
    const [candidate] = await twilio.search({ limit: 1 });
    const orphan = await twilio.buy(candidate.phoneNumber, { voiceUrl: OUR_VOICE_URL, statusCallback: 'x' });

    client = await world.start();
    await waitFor(() => (ownedAtTwilio().includes(stillOwned) ? undefined : true), {
      what: `${stillOwned} released at start`,
    });
    // Adopted at start-up: its NumberProvisioned may commit a moment after the release above.
    const provisioned = await world.provisionedInLog(
      (n) => n.includes(orphan.phoneNumber),
      `${orphan.phoneNumber} adopted into the log`,
    );
    expect(provisioned).toContain(orphan.phoneNumber);
    expect((await client.pool()).total).toBeGreaterThanOrEqual(1);
  });
});
