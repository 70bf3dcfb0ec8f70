import { twilioSignature } from '@callpool/twilio';
import { CallDriver, callParams, newCallSid } from '@callpool/call-driver';
import { uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { RunningCallIngest, startCallIngest } from './call-ingest';
import {
  allocation,
  AUTH_TOKEN,
  commitAllocations,
  MAIN_LINE,
  PUBLIC_BASE_URL,
  removeDir,
  tempDir,
  testConfig,
  watchCalls,
} from './testing/call-ingest-harness';

const DAY = 86400_000;
const ago = (ms: number) => new Date(Date.now() - ms);
const CALLER = '+14155550123';

const N = {
  displayed: '+15550001001',
  locked: '+15550001002',
  cooling: '+15550001003',
  stale: '+15550001004',
  listing: '+15550009002',
};
const DEALER = { L1: '+15557650001', L2: '+15557650002', L3: '+15557650003' };

function display(number: string, visitorId: string, listingId: string, at: Date) {
  return allocation(
    'NumberDisplayed',
    {
      number,
      pool: 'session',
      attribution: 'visitor',
      visitorId,
      sessionId: `s-${visitorId}`,
      listingId,
      dealerId: `D-${listingId}`,
      expiresAt: new Date(at.getTime() + 600_000).toISOString(),
      assignmentStarted: true,
    },
    at,
  );
}

function expire(number: string, visitorId: string, listingId: string, at: Date) {
  return allocation(
    'SessionExpired',
    {
      sessionId: `s-${visitorId}`,
      visitorId,
      lastSeenAt: at.toISOString(),
      numbersCooling: [{ number, listingId, coolingUntil: new Date(at.getTime() + 1800_000).toISOString() }],
    },
    at,
  );
}

describe('call-ingest webhooks (real Kafka)', () => {
  const prefix = uniqueTopicPrefix('call_ingest_webhooks');
  let dir: string;
  let service: RunningCallIngest;
  let driver: CallDriver;
  let calls: Awaited<ReturnType<typeof watchCalls>>;

  beforeAll(async () => {
    dir = await tempDir('webhooks');
    const listings = ['L1', 'L2', 'L3'].map((id) =>
      allocation(
        'ListingRegistered',
        {
          listingId: id,
          dealerId: `D-${id}`,
          forwardTo: DEALER[id as keyof typeof DEALER],
          tier: id === 'L2' ? 'standard' : 'premium',
        },
        ago(10 * DAY),
      ),
    );
    await commitAllocations(prefix, [
      ...listings,
      allocation('ListingNumberAssigned', { listingId: 'L2', dealerId: 'D-L2', number: N.listing }, ago(10 * DAY)),
      ...Object.values(N)
        .slice(0, 4)
        .map((number, i) => allocation('NumberProvisioned', { number, sid: `PN${i}` }, ago(10 * DAY))),
      display(N.stale, 'v-4', 'L1', ago(8 * DAY)),
      expire(N.stale, 'v-4', 'L1', ago(8 * DAY - 600_000)),
      display(N.cooling, 'v-3', 'L3', ago(2 * 3600_000)),
      expire(N.cooling, 'v-3', 'L3', ago(3600_000)),
      display(N.locked, 'v-2', 'L1', ago(DAY)),
      allocation(
        'NumberLocked',
        {
          number: N.locked,
          visitorId: 'v-2',
          sessionId: 's-v-2',
          listingId: 'L1',
          dealerId: 'D-L1',
          callSid: newCallSid(),
          lockedUntil: new Date(Date.now() + 29 * DAY).toISOString(),
        },
        ago(DAY),
      ),
      display(N.displayed, 'v-1', 'L1', ago(60_000)),
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

  describe('signatures', () => {
    const rejected: string[] = [];
    const params = () => {
      const callSid = newCallSid();
      rejected.push(callSid);
      return {
        ...callParams({ callSid, accountSid: `AC${'1'.repeat(32)}`, from: CALLER, to: N.displayed }),
        CallStatus: 'ringing',
      };
    };

    it('answers a correctly signed call with TwiML', async () => {
      const placed = await driver.placeCall({ from: CALLER, to: N.displayed });
      expect(placed.status).toBe(200);
      expect(placed.contentType).toMatch(/^text\/xml/);
      expect(placed.twiml).toMatch(/^<\?xml/);
    });

    it('refuses a call without a signature', async () => {
      expect((await driver.post('/twilio/voice', params(), null)).status).toBe(403);
    });

    it('refuses a call signed with another auth token', async () => {
      const forger = new CallDriver({
        baseUrl: service.url,
        publicBaseUrl: PUBLIC_BASE_URL,
        authToken: 'not-the-token',
      });
      expect((await forger.post('/twilio/voice', params())).status).toBe(403);
    });

    it('refuses a call whose parameters were changed after signing', async () => {
      const original = params();
      const signature = twilioSignature(AUTH_TOKEN, `${PUBLIC_BASE_URL}/twilio/voice`, original);
      expect((await driver.post('/twilio/voice', { ...original, To: N.locked }, signature)).status).toBe(403);
    });

    it('refuses a call signed for a different URL', async () => {
      const elsewhere = new CallDriver({
        baseUrl: service.url,
        publicBaseUrl: 'https://attacker.example',
        authToken: AUTH_TOKEN,
      });
      expect((await elsewhere.post('/twilio/voice', params())).status).toBe(403);
      expect((await elsewhere.post('/twilio/status', { CallSid: rejected[0], CallStatus: 'completed' })).status).toBe(
        403,
      );
    });

    it('accepts repeated keys and brackets in the form, signed as Twilio signs them', async () => {
      const answer = await driver.post('/twilio/voice', { ...params(), 'Extra[field]': 'a&b=c', Repeated: ['2', '1'] });
      rejected.pop();
      expect(answer.status).toBe(200);
    });

    it('records nothing for a refused request', async () => {
      const good = await driver.placeCall({ from: CALLER, to: N.displayed });
      await waitFor(() => calls.of('CallReceived', good.callSid).length === 1, { what: 'the good call on the topic' });
      expect(calls.events.filter((e) => rejected.includes((e.data as { callSid: string }).callSid))).toEqual([]);
    });
  });

  describe('routing and attribution', () => {
    async function callAndRecord(to: string) {
      const placed = await driver.placeCall({ from: CALLER, to });
      expect(placed.status).toBe(200);
      const [received] = await waitFor(
        () => calls.of('CallReceived', placed.callSid).length > 0 && calls.of('CallReceived', placed.callSid),
        { what: `CallReceived for ${to}` },
      );
      expect(received.data.routedTo).toBe(placed.dial?.number);
      return { placed, data: received.data };
    }

    it('rings the listing of a displayed number and credits its visitor and session', async () => {
      const { placed, data } = await callAndRecord(N.displayed);
      expect(placed.dial).toEqual({ number: DEALER.L1, action: '/twilio/dial-status', timeout: 25 });
      expect(data).toMatchObject({
        attribution: 'visitor',
        confidence: 1,
        holderState: 'displayed',
        visitorId: 'v-1',
        sessionId: 's-v-1',
        listingId: 'L1',
        trackingNumber: N.displayed,
        caller: CALLER,
      });
    });

    it('credits a Pool 2 number to its lock', async () => {
      const { data } = await callAndRecord(N.locked);
      expect(data).toMatchObject({
        attribution: 'visitor',
        holderState: 'locked',
        visitorId: 'v-2',
        listingId: 'L1',
        routedTo: DEALER.L1,
      });
      expect(data.confidence).toBeGreaterThanOrEqual(0.95);
    });

    it('credits a cooling number to its last holder, a little less surely', async () => {
      const { data } = await callAndRecord(N.cooling);
      expect(data).toMatchObject({
        attribution: 'visitor',
        holderState: 'cooling',
        visitorId: 'v-3',
        listingId: 'L3',
        routedTo: DEALER.L3,
      });
      expect(data.confidence).toBeGreaterThan(0.8);
      expect(data.confidence).toBeLessThan(0.95);
    });

    it('credits nobody outside the window but rings the last holder’s dealer', async () => {
      const { data } = await callAndRecord(N.stale);
      expect(data).toMatchObject({ attribution: 'none', confidence: 0, visitorId: null, routedTo: DEALER.L1 });
    });

    it('rings the directory’s main line for a number that was never ours', async () => {
      const { data } = await callAndRecord('+15559990000');
      expect(data).toMatchObject({
        attribution: 'none',
        confidence: 0,
        holderState: 'unknown',
        listingId: null,
        routedTo: MAIN_LINE,
      });
    });

    it('attributes a listing-level number to its listing', async () => {
      const { data } = await callAndRecord(N.listing);
      expect(data).toMatchObject({
        attribution: 'listing',
        confidence: 1,
        holderState: 'listing',
        visitorId: null,
        listingId: 'L2',
        dealerId: 'D-L2',
        routedTo: DEALER.L2,
      });
    });
  });

  describe('Twilio retries', () => {
    it('records one CallReceived per CallSid and answers every retry with the same TwiML', async () => {
      const callSid = newCallSid();
      const answers = await Promise.all(
        [1, 2, 3].map(() => driver.placeCall({ from: CALLER, to: N.displayed, callSid })),
      );
      const again = await driver.placeCall({ from: CALLER, to: N.displayed, callSid });
      expect(new Set([...answers, again].map((a) => a.twiml)).size).toBe(1);
      await driver.complete(callSid, { callStatus: 'completed', callDuration: 42, sequenceNumber: 3 });
      await waitFor(() => calls.of('CallCompleted', callSid).length > 0, { what: 'CallCompleted' });
      expect(calls.of('CallReceived', callSid)).toHaveLength(1);
    });

    it('records the final status once, however many status callbacks arrive', async () => {
      const { callSid } = await driver.placeCall({ from: CALLER, to: N.displayed });
      await driver.complete(callSid, { callStatus: 'ringing', sequenceNumber: 0 });
      await driver.complete(callSid, { callStatus: 'in-progress', sequenceNumber: 1 });
      for (const sequenceNumber of [2, 2, 3])
        expect(
          (await driver.complete(callSid, { callStatus: 'completed', callDuration: 73, sequenceNumber })).status,
        ).toBe(204);
      const marker = await driver.placeCall({ from: CALLER, to: N.displayed });
      await waitFor(() => calls.of('CallReceived', marker.callSid).length > 0, { what: 'a later call' });
      expect(calls.of('CallCompleted', callSid).map((e) => e.data)).toEqual([
        { callSid, status: 'completed', durationS: 73 },
      ]);
    });

    it('records whether the dealer answered, once, and apologises when they did not', async () => {
      const answered = await driver.placeCall({ from: CALLER, to: N.displayed });
      const unanswered = await driver.placeCall({ from: CALLER, to: N.displayed });
      const hangUp = await driver.dialStatus(answered.callSid, { dialCallStatus: 'completed', dialCallDuration: 61 });
      const sorry = await driver.dialStatus(unanswered.callSid, { dialCallStatus: 'no-answer' });
      await driver.dialStatus(unanswered.callSid, { dialCallStatus: 'no-answer' });
      expect(hangUp.body).toContain('<Hangup/>');
      expect(hangUp.body).not.toContain('<Say');
      expect(sorry.body).toMatch(/<Say[^>]*>Sorry/);
      await waitFor(
        () =>
          calls.of('DealerDialEnded', unanswered.callSid).length > 0 &&
          calls.of('DealerDialEnded', answered.callSid).length > 0,
        { what: 'DealerDialEnded' },
      );
      expect(calls.of('DealerDialEnded', answered.callSid).map((e) => e.data)).toEqual([
        { callSid: answered.callSid, dialCallStatus: 'completed', dialDurationS: 61, answered: true },
      ]);
      expect(calls.of('DealerDialEnded', unanswered.callSid).map((e) => e.data.answered)).toEqual([false]);
    });

    it('gives each event of a call an id derived from its CallSid', async () => {
      const { callSid } = await driver.fullCall({ from: CALLER, to: N.displayed, durationS: 30 });
      await waitFor(() => calls.of('CallCompleted', callSid).length > 0, { what: 'the full call' });
      const ids = calls.events.filter((e) => (e.data as { callSid: string }).callSid === callSid).map((e) => e.id);
      expect(ids).toHaveLength(3);
      expect(new Set(ids).size).toBe(3);
      for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    });
  });

  describe('bad requests', () => {
    it('refuses malformed and oversized bodies with a 4xx and keeps answering', async () => {
      const post = (body: string, type: string) =>
        fetch(`${service.url}/twilio/voice`, { method: 'POST', headers: { 'content-type': type }, body });
      expect((await post('{"CallSid":', 'application/json')).status).toBe(400);
      expect((await post('CallSid=CA1&To=%E0%A4%A', 'text/plain')).status).toBe(403);
      expect((await post(`CallSid=CA1&To=${'9'.repeat(64 * 1024)}`, 'application/x-www-form-urlencoded')).status).toBe(
        413,
      );
      expect((await post('%%%&&==', 'application/x-www-form-urlencoded')).status).toBe(403);
      const signedButIncomplete = await driver.post('/twilio/voice', { From: CALLER, CallStatus: 'ringing' });
      expect(signedButIncomplete.status).toBe(400);
      expect(JSON.parse(signedButIncomplete.body).error.code).toBe('invalid_request');
      expect(
        (
          await driver.post('/twilio/dial-status', {
            CallSid: newCallSid(),
            DialCallStatus: 'completed',
            DialCallDuration: 'ten',
          })
        ).status,
      ).toBe(400);
      expect((await driver.placeCall({ from: CALLER, to: N.displayed })).status).toBe(200);
    });

    it('reports itself healthy and not degraded while Kafka is up', async () => {
      const health = await (await fetch(`${service.url}/health`)).json();
      expect(health).toMatchObject({ status: 'ok', degraded: false });
    });

    it('counts calls by attribution and rejected signatures in /metrics', async () => {
      const metrics = await (await fetch(`${service.url}/metrics`)).text();
      expect(metrics).toMatch(/callpool_calls_received_total\{attribution="listing",holder_state="listing"\} 1\b/);
      expect(metrics).toMatch(/callpool_webhooks_rejected_total\{reason="missing"\} [1-9]/);
    });
  });
});
