import { startTwilioStandIn, TwilioStandIn } from '@callpool/twilio-standin';
import { NumberWebhooks, TwilioNumbers, TwilioRequestError } from './numbers.port';
import { createTwilioNumbers } from './twilio-numbers';

// The real `twilio` library, through the adapter, against the local stand-in of
// Twilio's REST API: the only thing production does differently is the base URL.
const webhooks: NumberWebhooks = {
  voiceUrl: 'https://calls.example.test/twilio/voice',
  voiceFallbackUrl: 'https://static.example.test/fallback.xml',
  statusCallback: 'https://calls.example.test/twilio/status',
};

describe('createTwilioNumbers against the Twilio stand-in', () => {
  let standIn: TwilioStandIn;
  let numbers: TwilioNumbers;

  const failureOf = async (request: Promise<unknown>): Promise<TwilioRequestError> => {
    const error = await request.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TwilioRequestError);
    return error as TwilioRequestError;
  };

  beforeAll(async () => {
    standIn = await startTwilioStandIn({ port: 0 });
    numbers = createTwilioNumbers({
      accountSid: standIn.accountSid,
      authToken: standIn.authToken,
      apiUrl: standIn.url,
    });
  });
  afterAll(() => standIn.close());
  beforeEach(() => standIn.reset());

  it('searches numbers in the requested area code', async () => {
    const found = await numbers.search({ areaCode: '212', limit: 3 });

    expect(found).toHaveLength(3);
    for (const n of found) {
      expect(n.phoneNumber).toMatch(/^\+1212555\d{4}$/);
      expect(n.areaCode).toBe('212');
    }
    expect(new Set(found.map((n) => n.phoneNumber)).size).toBe(3);
    expect(standIn.state().counters.search).toBe(1);
  });

  it('buys a number with the voice, fallback and status webhooks, all POST', async () => {
    const [candidate] = await numbers.search({ areaCode: '415', limit: 1 });
    const before = Date.now();

    const bought = await numbers.buy(candidate.phoneNumber, webhooks);

    expect(bought.sid).toMatch(/^PN[0-9a-f]{32}$/);
    expect(bought.phoneNumber).toBe(candidate.phoneNumber);
    expect(Math.abs(bought.purchasedAt.getTime() - before)).toBeLessThan(5000);
    expect(standIn.state().owned).toEqual([
      expect.objectContaining({
        sid: bought.sid,
        phoneNumber: candidate.phoneNumber,
        voiceUrl: webhooks.voiceUrl,
        voiceMethod: 'POST',
        voiceFallbackUrl: webhooks.voiceFallbackUrl,
        voiceFallbackMethod: 'POST',
        statusCallback: webhooks.statusCallback,
        statusCallbackMethod: 'POST',
      }),
    ]);
    const searchedAgain = await numbers.search({ areaCode: '415', limit: 5 });
    expect(searchedAgain.map((n) => n.phoneNumber)).not.toContain(candidate.phoneNumber);
    expect(await numbers.listOwned?.()).toEqual([expect.objectContaining({ sid: bought.sid })]);
  });

  it('refuses a number that is not on offer (already owned) as rejected, Twilio code 21422', async () => {
    const [candidate] = await numbers.search({ areaCode: '312', limit: 1 });
    await numbers.buy(candidate.phoneNumber, webhooks);

    const error = await failureOf(numbers.buy(candidate.phoneNumber, webhooks));

    expect(error).toMatchObject({ kind: 'rejected', status: 400, twilioCode: 21422 });
    expect(standIn.state().owned).toHaveLength(1);
  });

  it('releases a number so it can be found and bought again; a second release is harmless', async () => {
    const [candidate] = await numbers.search({ areaCode: '305', limit: 1 });
    const bought = await numbers.buy(candidate.phoneNumber, webhooks);

    await numbers.release(bought.sid);

    expect(standIn.state().owned).toEqual([]);
    const [again] = await numbers.search({ areaCode: '305', limit: 1 });
    expect(again.phoneNumber).toBe(candidate.phoneNumber);
    const rebought = await numbers.buy(candidate.phoneNumber, webhooks);
    expect(rebought.sid).not.toBe(bought.sid);
    await expect(numbers.release(bought.sid)).resolves.toBeUndefined();
    expect(standIn.state().counters.release).toBe(2);
    expect(standIn.state().owned.map((n) => n.sid)).toEqual([rebought.sid]);
  });

  it('maps wrong credentials to rejected (401, Twilio code 20003)', async () => {
    const intruder = createTwilioNumbers({ accountSid: standIn.accountSid, authToken: 'wrong', apiUrl: standIn.url });

    const error = await failureOf(intruder.search({ limit: 1 }));

    expect(error).toMatchObject({ kind: 'rejected', status: 401, twilioCode: 20003 });
    expect(standIn.state().counters.unauthorized).toBe(1);
  });

  it('maps rate limiting to rate_limited (429, Twilio code 20429) without retrying on its own', async () => {
    standIn.setMode({ mode: 'rate_limit' });

    const error = await failureOf(numbers.search({ limit: 1 }));

    expect(error).toMatchObject({ kind: 'rate_limited', status: 429, twilioCode: 20429 });
    expect(standIn.state().counters.search).toBe(1);
  });

  it('maps a Twilio failure to unavailable (500)', async () => {
    const [candidate] = await numbers.search({ limit: 1 });
    standIn.setMode({ mode: 'fail' });

    const error = await failureOf(numbers.buy(candidate.phoneNumber, webhooks));

    expect(error).toMatchObject({ kind: 'unavailable', status: 500 });
    expect(standIn.state().owned).toEqual([]);
  });

  it('gives up on a slow Twilio after its timeout (the purchase may still have happened)', async () => {
    const impatient = createTwilioNumbers({
      accountSid: standIn.accountSid,
      authToken: standIn.authToken,
      apiUrl: standIn.url,
      timeoutMs: 200,
    });
    const [candidate] = await numbers.search({ limit: 1 });
    standIn.setMode({ mode: 'slow', delayMs: 2000 });
    const started = Date.now();

    const error = await failureOf(impatient.buy(candidate.phoneNumber, webhooks));

    expect(error.kind).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
    expect(standIn.state().owned.map((n) => n.phoneNumber)).toEqual([candidate.phoneNumber]);
  });

  it('fails only the next request when the mode is set for one time', async () => {
    standIn.setMode({ mode: 'fail', times: 1 });

    const error = await failureOf(numbers.search({ limit: 1 }));
    const found = await numbers.search({ limit: 1 });

    expect(error.kind).toBe('unavailable');
    expect(found).toHaveLength(1);
    expect(standIn.state().mode.mode).toBe('ok');
  });

  it('reports an unreachable Twilio as unavailable', async () => {
    const gone = await startTwilioStandIn({ port: 0 });
    await gone.close();
    const nowhere = createTwilioNumbers({ accountSid: gone.accountSid, authToken: gone.authToken, apiUrl: gone.url });

    const error = await failureOf(nowhere.search({ limit: 1 }));

    expect(error.kind).toBe('unavailable');
  });
});
