import { CallpoolEvent, EventData, EventType, newEvent } from '@callpool/contracts';
import { NumberFold } from './number-fold';
import { NumberLedger } from './number-ledger';

const N = '+15550000001';
let seq = 0;
const ev = <T extends EventType>(type: T, minute: number, data: EventData<T>) =>
  newEvent(type, data, {
    occurredAt: `2030-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
    metadata: { producer: 't' },
    id: `e${++seq}`,
  }) as CallpoolEvent;
const display = (minute: number, session: string, assignmentStarted = true) =>
  ev('NumberDisplayed', minute, {
    number: N,
    pool: 'session',
    attribution: 'visitor',
    visitorId: 'v-1',
    sessionId: session,
    listingId: 'L-1',
    dealerId: 'D-1',
    expiresAt: '2030-01-01T11:00:00.000Z',
    assignmentStarted,
  });
const lock = (minute: number) =>
  ev('NumberLocked', minute, {
    number: N,
    visitorId: 'v-1',
    sessionId: 's-1',
    listingId: 'L-1',
    dealerId: 'D-1',
    callSid: `CA${minute}`,
    lockedUntil: '2030-01-31T10:00:00.000Z',
  });

function given(...events: CallpoolEvent[]) {
  const ledgers = new Map<string, NumberLedger>();
  const fold = new NumberFold(ledgers);
  for (const event of events) fold.apply(event);
  return fold.result();
}

describe('NumberFold', () => {
  it('follows a Pool 1 stretch ending in a call with a Pool 2 stretch of the same holder', () => {
    const { numbers, assignments } = given(
      ev('NumberProvisioned', 0, { number: N, sid: 'PN1' }),
      display(1, 's-1'),
      display(2, 's-1', false),
      lock(3),
      lock(8),
    );
    expect(numbers).toEqual([
      expect.objectContaining({
        state: 'locked',
        pool: 2,
        visitor_id: 'v-1',
        locked_until: '2030-01-31T10:00:00.000Z',
      }),
    ]);
    expect(
      assignments.map((a) => [a.pool, a.started_at.slice(11, 16), a.ended_at?.slice(11, 16) ?? null, a.end_reason]),
    ).toEqual([
      [1, '10:01', '10:03', 'called'],
      [2, '10:03', null, null],
    ]);
  });

  it('ends a stretch when the session expires and records every state interval', () => {
    const { numbers, intervals } = given(
      ev('NumberProvisioned', 0, { number: N, sid: 'PN1' }),
      display(1, 's-1'),
      ev('SessionExpired', 11, {
        sessionId: 's-1',
        visitorId: 'v-1',
        lastSeenAt: '2030-01-01T10:01:00.000Z',
        numbersCooling: [{ number: N, listingId: 'L-1', coolingUntil: '2030-01-01T10:13:00.000Z' }],
      }),
      ev('NumberCooledDown', 13, { number: N }),
      ev('NumberReleased', 20, { number: N, sid: 'PN1', reason: 'surplus' }),
    );
    expect(numbers[0]).toEqual(expect.objectContaining({ state: 'released', released_at: '2030-01-01T10:20:00.000Z' }));
    expect(intervals.map((i) => [i.state, i.started_at.slice(14, 16), i.ended_at?.slice(14, 16) ?? null])).toEqual([
      ['available', '00', '01'],
      ['displayed', '01', '11'],
      ['cooling', '11', '13'],
      ['available', '13', '20'],
    ]);
  });

  it('does not let a session expiry free a number that was called since', () => {
    const { numbers } = given(
      ev('NumberProvisioned', 0, { number: N, sid: 'PN1' }),
      display(1, 's-1'),
      lock(2),
      ev('SessionExpired', 11, {
        sessionId: 's-1',
        visitorId: 'v-1',
        lastSeenAt: '2030-01-01T10:01:00.000Z',
        numbersCooling: [{ number: N, listingId: 'L-1', coolingUntil: '2030-01-01T10:13:00.000Z' }],
      }),
    );
    expect(numbers[0].state).toBe('locked');
  });

  it('takes a listing-level number out of the pool', () => {
    const { numbers } = given(
      ev('NumberProvisioned', 0, { number: N, sid: 'PN1' }),
      ev('ListingNumberAssigned', 1, { number: N, listingId: 'L-9', dealerId: 'D-9' }),
    );
    expect(numbers[0]).toEqual(expect.objectContaining({ state: 'listing', listing_id: 'L-9', pool: null }));
  });
});
