import { CallpoolEvent, EventData, EventType, newEvent } from '@callpool/contracts';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { startProjector } from './projector';
import { rebuildProjection } from './rebuild/rebuild-projection';

/**
 * The caller menu's outcome in the analysts' `calls` (issue 12): the row ends
 * up attributed to the listing the caller chose, with `resolved_by` and
 * `candidates`, also when the CallResolved arrives in a later batch, and the
 * same after a rebuild from offset zero. A call recorded before v3 (no
 * resolvedBy) gets its `resolved_by` from what it did record.
 */
const at = (hhmm: string) => `2030-03-01T${hhmm}:00.000Z`;
let seq = 0;
const ev = <T extends EventType>(type: T, time: string, data: EventData<T>) =>
  newEvent(type, data, { occurredAt: at(time), metadata: { producer: 'test' }, id: `cr-${++seq}` }) as CallpoolEvent;

const option = (digit: string, visitorId: string, listingId: string, routedTo: string) => ({
  ...{
    digit,
    visitorId,
    sessionId: `s-${visitorId}`,
    listingId,
    dealerId: `D-${listingId}`,
    confidence: 0.8,
    routedTo,
  },
});
const menuCall = ev('CallReceived', '10:00', {
  ...{ callSid: 'CA-menu', trackingNumber: '+15550003001', caller: '+14155550201', startedAt: at('10:00') },
  ...{ attribution: 'visitor', confidence: 1, holderState: 'displayed', visitorId: 'v-2', sessionId: 's-v-2' },
  ...{ listingId: 'L-focus', dealerId: 'D-L-focus', routedTo: '+15557650002', resolvedBy: 'no_input', candidates: 2 },
  menu: [option('1', 'v-2', 'L-focus', '+15557650002'), option('2', 'v-1', 'L-civic', '+15557650001')],
});
const choice = ev('CallResolved', '10:00', {
  ...{ callSid: 'CA-menu', trackingNumber: '+15550003001', caller: '+14155550201', startedAt: at('10:00') },
  ...{ resolvedBy: 'caller_choice', digit: '2', attribution: 'visitor', confidence: 0.8, visitorId: 'v-1' },
  ...{ sessionId: 's-v-1', listingId: 'L-civic', dealerId: 'D-L-civic', routedTo: '+15557650001', candidates: 2 },
});
const completed = ev('CallCompleted', '10:03', { callSid: 'CA-menu', status: 'completed', durationS: 170 });
const beforeV3 = ev('CallReceived', '10:05', {
  ...{ callSid: 'CA-old', trackingNumber: '+15550003002', caller: '+14155550202', startedAt: at('10:05') },
  ...{ attribution: 'visitor', confidence: 0.7, holderState: 'cooling', visitorId: 'v-9', sessionId: 's-v-9' },
  ...{ listingId: 'L-civic', dealerId: 'D-L-civic', routedTo: '+15557650001' },
});

it('projects the caller’s choice into calls, across batches and after a rebuild', async () => {
  const prefix = uniqueTopicPrefix('call_resolution');
  const databaseUrl = await createTestDatabase('call_resolution');
  const publisher = new TestPublisher(prefix);
  await publisher.connect();
  const config = projectorConfig(prefix, databaseUrl);
  const rows = () =>
    query(
      databaseUrl,
      `SELECT call_sid, visitor_id, listing_id, dealer_id, attribution, resolved_by, candidates, status, caller
       FROM callpool.calls ORDER BY call_sid`,
    );
  const expected = [
    {
      ...{ call_sid: 'CA-menu', visitor_id: 'v-1', listing_id: 'L-civic', dealer_id: 'D-L-civic' },
      ...{
        attribution: 'visitor',
        resolved_by: 'caller_choice',
        candidates: 2,
        status: 'completed',
        caller: '+14155550201',
      },
    },
    {
      ...{ call_sid: 'CA-old', visitor_id: 'v-9', listing_id: 'L-civic', dealer_id: 'D-L-civic' },
      ...{ attribution: 'visitor', resolved_by: 'last_holder', candidates: 1, status: null, caller: '+14155550202' },
    },
  ];
  try {
    await publisher.events('calls', [menuCall]);
    const running = await startProjector({ config });
    await caughtUp(running);
    expect((await rows())[0]).toMatchObject({ visitor_id: 'v-2', listing_id: 'L-focus', resolved_by: 'no_input' });
    await publisher.events('calls', [choice, completed, beforeV3]);
    await caughtUp(running);
    expect(await rows()).toEqual(expected);
    const [performance] = await query(
      databaseUrl,
      "SELECT calls FROM callpool.listing_performance WHERE listing_id = 'L-civic'",
    );
    expect(performance).toEqual({ calls: 2 });

    await rebuildProjection(config, { info: () => undefined, warn: () => undefined });
    await caughtUp(running);
    expect(await rows()).toEqual(expected);
    await running.close();
  } finally {
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  }
}, 90000);
