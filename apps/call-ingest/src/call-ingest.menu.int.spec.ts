import { XMLParser } from 'fast-xml-parser';
import { CallDriver, callParams, newCallSid } from '@callpool/call-driver';
import { uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { RunningCallIngest, startCallIngest } from './call-ingest';
import {
  allocation,
  AUTH_TOKEN,
  commitAllocations,
  PUBLIC_BASE_URL,
  removeDir,
  tempDir,
  testConfig,
  watchCalls,
} from './testing/call-ingest-harness';

const MIN = 60_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const PHONE = { smith: '+15557650001', lake: '+15557650002' };
const N = { reused: '+15550002001', sameDealer: '+15550002002', locked: '+15550002003' };
const xml = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  isArray: (name) => name === 'Say',
});

const shown = (number: string, visitorId: string, listingId: string, at: Date) =>
  allocation(
    'NumberDisplayed',
    {
      ...{ number, pool: 'session', attribution: 'visitor', visitorId, sessionId: `s-${visitorId}`, listingId },
      ...{ dealerId: null, expiresAt: new Date(at.getTime() + 10 * MIN).toISOString(), assignmentStarted: true },
    },
    at,
  );
const ended = (number: string, visitorId: string, listingId: string, at: Date) =>
  allocation(
    'SessionExpired',
    {
      ...{ sessionId: `s-${visitorId}`, visitorId, lastSeenAt: new Date(at.getTime() - 10 * MIN).toISOString() },
      numbersCooling: [{ number, listingId, coolingUntil: new Date(at.getTime() + 60 * MIN).toISOString() }],
    },
    at,
  );
const listing = (listingId: string, forwardTo: string, spoken: { title?: string; dealerName?: string }) =>
  allocation(
    'ListingRegistered',
    { listingId, dealerId: `D-${forwardTo.slice(-1)}`, forwardTo, tier: 'premium', ...spoken },
    ago(60 * MIN),
  );

/**
 * The caller menu (issue 12, CONTRACT.md v3) over HTTP with signed webhooks
 * and the real broker: a number that changed hands between listings of
 * different dealers asks the caller; /twilio/choose rings their choice and
 * records it once; a known caller is recognised instead of asked.
 */
describe('call-ingest caller menu (real Kafka)', () => {
  const prefix = uniqueTopicPrefix('call_ingest_menu');
  let dir: string;
  let service: RunningCallIngest;
  let driver: CallDriver;
  let calls: Awaited<ReturnType<typeof watchCalls>>;

  beforeAll(async () => {
    dir = await tempDir('menu');
    await commitAllocations(prefix, [
      listing('L-civic', PHONE.smith, { title: '2019 Honda Civic', dealerName: 'Smith Motors' }),
      listing('L-focus', PHONE.lake, { title: '2021 Ford Focus', dealerName: 'Lake Cars' }),
      listing('L-accord', PHONE.smith, { dealerName: 'Smith Motors' }),
      ...Object.values(N).map((number, i) => allocation('NumberProvisioned', { number, sid: `PN${i}` }, ago(60 * MIN))),
      // v-1 saw the Civic on `reused`; their session ended 20 minutes ago and v-2 now sees the Focus on it.
      shown(N.reused, 'v-1', 'L-civic', ago(40 * MIN)),
      ended(N.reused, 'v-1', 'L-civic', ago(20 * MIN)),
      shown(N.reused, 'v-2', 'L-focus', ago(2 * MIN)),
      // Same dealer's phone on both listings: no question needed.
      shown(N.sameDealer, 'v-3', 'L-civic', ago(40 * MIN)),
      ended(N.sameDealer, 'v-3', 'L-civic', ago(20 * MIN)),
      shown(N.sameDealer, 'v-4', 'L-accord', ago(2 * MIN)),
      // A Pool 2 lock is never ambiguous, whatever the number's past.
      shown(N.locked, 'v-5', 'L-focus', ago(40 * MIN)),
      ended(N.locked, 'v-5', 'L-focus', ago(20 * MIN)),
      shown(N.locked, 'v-6', 'L-civic', ago(5 * MIN)),
      allocation(
        'NumberLocked',
        {
          ...{ number: N.locked, visitorId: 'v-6', sessionId: 's-v-6', listingId: 'L-civic', dealerId: null },
          ...{ callSid: 'CA-lock', lockedUntil: new Date(Date.now() + 30 * 86400_000).toISOString() },
        },
        ago(4 * MIN),
      ),
    ]);
    calls = await watchCalls(prefix);
    service = await startCallIngest(testConfig(prefix, dir), { port: 0, host: '127.0.0.1' });
    await service.whenViewLive();
    driver = new CallDriver({ baseUrl: service.url, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN });
  });

  afterAll(async () => {
    await service?.close();
    await calls?.stop();
    await removeDir(dir);
  });

  const choose = (callSid: string, from: string, digits?: string, signed = true) =>
    driver.post(
      '/twilio/choose',
      {
        ...callParams({ callSid, accountSid: `AC${'0'.repeat(32)}`, from, to: N.reused }),
        CallStatus: 'in-progress',
        ...(digits === undefined ? {} : { Digits: digits }),
      },
      signed ? undefined : null,
    );
  const dialled = (twiml: string) => xml.parse(twiml).Response?.Dial?.Number ?? xml.parse(twiml).Response?.Dial;

  it('asks the caller when the number changed hands between dealers: Gather of one digit, titles most likely first', async () => {
    const placed = await driver.placeCall({ from: '+14155550101', to: N.reused });
    expect(placed.status).toBe(200);
    const response = xml.parse(placed.twiml).Response;
    expect(response.Dial).toBeUndefined();
    expect(response.Gather).toEqual(
      expect.objectContaining({
        input: 'dtmf',
        numDigits: '1',
        action: `${PUBLIC_BASE_URL}/twilio/choose`,
        method: 'POST',
      }),
    );
    const says: string[] = response.Gather.Say.map((say: string | { '#text': string }) =>
      typeof say === 'string' ? say : say['#text'],
    );
    const options = says.filter((say) => /press/.test(say));
    expect(options).toEqual([
      'For the 2021 Ford Focus at Lake Cars, press 1.',
      'For the 2019 Honda Civic at Smith Motors, press 2.',
    ]);
    expect(says.join(' ').split(/\s+/).length).toBeLessThan(30); // about 12 seconds of speech at most
    expect(response.Redirect).toEqual(
      expect.objectContaining({ '#text': `${PUBLIC_BASE_URL}/twilio/choose`, method: 'POST' }),
    );
    const [received] = await waitFor(
      () => calls.of('CallReceived', placed.callSid).length > 0 && calls.of('CallReceived', placed.callSid),
      {
        what: 'CallReceived of the menu call',
      },
    );
    expect(received.data).toMatchObject({ candidates: 2, resolvedBy: 'no_input', visitorId: 'v-2' });
    expect(received.data.menu?.map((o) => [o.digit, o.listingId])).toEqual([
      ['1', 'L-focus'],
      ['2', 'L-civic'],
    ]);
  });

  it('rings the chosen listing, records the choice once however often Twilio retries, and refuses an unsigned choice', async () => {
    const from = '+14155550102';
    const placed = await driver.placeCall({ from, to: N.reused });
    expect((await choose(placed.callSid, from, '2', false)).status).toBe(403);
    const answers = [
      await choose(placed.callSid, from, '2'),
      await choose(placed.callSid, from, '2'),
      await choose(placed.callSid, from, '1'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => String(dialled(a.body)))).toEqual([PHONE.smith, PHONE.smith, PHONE.smith]);
    await waitFor(() => calls.of('CallResolved', placed.callSid).length > 0, { what: 'CallResolved' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const resolved = calls.of('CallResolved', placed.callSid);
    expect(resolved).toHaveLength(1);
    expect(resolved[0].data).toMatchObject({
      resolvedBy: 'caller_choice',
      digit: '2',
      visitorId: 'v-1',
      listingId: 'L-civic',
      routedTo: PHONE.smith,
      candidates: 2,
    });
  });

  it('takes the most likely candidate without input (the Redirect) and says so', async () => {
    const placed = await driver.placeCall({ from: '+14155550103', to: N.reused });
    const answer = await choose(placed.callSid, '+14155550103');
    expect(String(dialled(answer.body))).toBe(PHONE.lake);
    const [resolved] = await waitFor(
      () => calls.of('CallResolved', placed.callSid).length > 0 && calls.of('CallResolved', placed.callSid),
      { what: 'CallResolved' },
    );
    expect(resolved.data).toMatchObject({ resolvedBy: 'no_input', visitorId: 'v-2', listingId: 'L-focus' });
  });

  it('still rings for a choice about a call it does not know: the called number’s most likely listing', async () => {
    const callSid = newCallSid();
    const answer = await choose(callSid, '+14155550104', '2');
    expect(answer.status).toBe(200);
    expect(String(dialled(answer.body))).toBe(PHONE.lake);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(calls.events.filter((e) => (e.data as { callSid?: string }).callSid === callSid)).toEqual([]);
  });

  it('recognises a caller attributed before to one of the candidates: no menu, their listing rings', async () => {
    // +14155550102 chose the Civic (v-1) above; once that choice is read back, they are known.
    const placed = await waitFor(
      async () => {
        const call = await driver.placeCall({ from: '+14155550102', to: N.reused });
        return xml.parse(call.twiml).Response.Dial ? call : undefined;
      },
      { what: 'the caller to be recognised', timeoutMs: 20000 },
    );
    expect(String(dialled(placed.twiml))).toBe(PHONE.smith);
    const [received] = await waitFor(
      () => calls.of('CallReceived', placed.callSid).length > 0 && calls.of('CallReceived', placed.callSid),
      { what: 'CallReceived' },
    );
    expect(received.data).toMatchObject({
      resolvedBy: 'caller_id',
      visitorId: 'v-1',
      listingId: 'L-civic',
      candidates: 2,
    });
    expect(received.data.menu).toBeUndefined();
  });

  it('does not ask when both listings ring the same phone, nor on a Pool 2 lock', async () => {
    for (const [to, phone, visitor] of [
      [N.sameDealer, PHONE.smith, 'v-4'],
      [N.locked, PHONE.smith, 'v-6'],
    ]) {
      const placed = await driver.placeCall({ from: '+14155550105', to });
      expect(xml.parse(placed.twiml).Response.Gather).toBeUndefined();
      expect(placed.dial?.number).toBe(phone);
      const [received] = await waitFor(
        () => calls.of('CallReceived', placed.callSid).length > 0 && calls.of('CallReceived', placed.callSid),
        { what: 'CallReceived' },
      );
      expect(received.data).toMatchObject({ visitorId: visitor, resolvedBy: 'holder' });
    }
  });

  it('with CALLER_MENU=off takes the most likely candidate instead of asking', async () => {
    const offDir = await tempDir('menu-off');
    const off = await startCallIngest(testConfig(prefix, offDir, { CALLER_MENU: 'off' }), {
      port: 0,
      host: '127.0.0.1',
    });
    try {
      await off.whenViewLive();
      const offDriver = new CallDriver({ baseUrl: off.url, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN });
      const placed = await offDriver.placeCall({ from: '+14155550106', to: N.reused });
      expect(xml.parse(placed.twiml).Response.Gather).toBeUndefined();
      expect(placed.dial?.number).toBe(PHONE.lake);
    } finally {
      await off.close();
      await removeDir(offDir);
    }
  });
});
