import { startTwilioStandIn, StandInState, TwilioStandIn } from './server';

// The HTTP switches that `npm run up`, the simulator and e2e tests use to make Twilio misbehave.
describe('Twilio stand-in control over HTTP', () => {
  let standIn: TwilioStandIn;
  const control = (path: string, body?: unknown) =>
    fetch(`${standIn.url}/__standin/${path}`, {
      method: body === undefined && path === 'state' ? 'GET' : 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const stateOf = async () => (await (await control('state')).json()) as StandInState;
  const auth = () => `Basic ${Buffer.from(`${standIn.accountSid}:${standIn.authToken}`).toString('base64')}`;
  const searchUrl = () =>
    `${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/AvailablePhoneNumbers/US/Local.json?AreaCode=617&PageSize=2`;

  beforeAll(async () => {
    standIn = await startTwilioStandIn({ port: 0, numbersPerAreaCode: 3 });
  });
  afterAll(() => standIn.close());

  it('switches to rate limiting for a number of requests, then answers normally', async () => {
    const set = await control('mode', { mode: 'rate_limit', times: 2 });
    expect(set.status).toBe(200);

    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await fetch(searchUrl(), { headers: { Authorization: auth() } })).status);

    expect(statuses).toEqual([429, 429, 200]);
    const state = await stateOf();
    expect(state.counters).toMatchObject({ search: 3, faulted: 2 });
    expect(state.mode.mode).toBe('ok');
  });

  it('refuses an unknown mode with 400 and keeps the current one', async () => {
    await control('mode', { mode: 'slow', delayMs: 50 });

    const refused = await control('mode', { mode: 'explode' });

    expect(refused.status).toBe(400);
    expect((await stateOf()).mode).toMatchObject({ mode: 'slow', delayMs: 50 });
  });

  it('resets owned numbers, counters and mode', async () => {
    await control('mode', { mode: 'ok' });
    const buy = await fetch(`${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/IncomingPhoneNumbers.json`, {
      method: 'POST',
      headers: { Authorization: auth(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ PhoneNumber: '+16175550002', VoiceUrl: 'https://x.test/v' }).toString(),
    });
    expect(buy.status).toBe(201);
    await control('mode', { mode: 'fail' });

    expect((await control('reset', {})).status).toBe(204);

    expect(await stateOf()).toMatchObject({ owned: [], mode: { mode: 'ok' }, counters: { buy: 0 } });
  });

  it('offers only the configured inventory and never a number it sold', async () => {
    standIn.reset();
    standIn.setMode({ mode: 'ok' });
    const headers = { Authorization: auth(), 'Content-Type': 'application/x-www-form-urlencoded' };
    const buyUrl = `${standIn.url}/2010-04-01/Accounts/${standIn.accountSid}/IncomingPhoneNumbers.json`;
    await fetch(buyUrl, { method: 'POST', headers, body: 'AreaCode=617' });

    const page = (await (await fetch(searchUrl(), { headers })).json()) as {
      available_phone_numbers: Array<{ phone_number: string }>;
    };
    const outOfRange = await fetch(buyUrl, { method: 'POST', headers, body: 'PhoneNumber=%2B16175550003' });

    expect(page.available_phone_numbers.map((n) => n.phone_number)).toEqual(['+16175550001', '+16175550002']);
    expect(outOfRange.status).toBe(400);
    expect(await outOfRange.json()).toMatchObject({ code: 21422, status: 400 });
  });
});
