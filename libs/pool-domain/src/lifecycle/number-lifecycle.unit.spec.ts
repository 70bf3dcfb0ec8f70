import { iso, PoolEvent } from '../events';
import { at, ev, MIN, num } from '../spec/kit';
import { NumberChange, numberChanges } from './number-lifecycle';
import { applyNumberChange, NumberRecord } from './number-record';

/**
 * The one lifecycle every service folds (allocator pool, call-ingest view,
 * projector rows): given(events) / when(event) / then(changes, record).
 */
function given(...events: PoolEvent[]) {
  const records = new Map<string, NumberRecord>();
  const when = (event: PoolEvent): NumberChange[] => {
    const changes = numberChanges(event, (n) => records.get(n));
    for (const change of changes) records.set(change.number, applyNumberChange(records.get(change.number), change));
    return changes;
  };
  for (const event of events) when(event);
  return { when, record: (i: number) => records.get(num(i)) };
}

const shown = (i: number, visitor: string, session: string, listing: string, minute: number) =>
  ev.displayed({ i, visitor, session, listing, when: at(minute) });
const called = (i: number, visitor: string, listing: string, minute: number) =>
  ev.locked(i, visitor, listing, at(minute));

describe('number lifecycle', () => {
  it('a bought number is available; buying it again while owned changes nothing', () => {
    const { when, record } = given();
    expect(when(ev.provisioned(1))).toEqual([expect.objectContaining({ from: null, to: 'available', started: null })]);
    expect(when(ev.provisioned(1))).toEqual([]);
    expect(record(1)).toEqual(expect.objectContaining({ state: 'available', holder: null, past: [] }));
  });

  it('a display starts a Pool 1 holding; showing it again in the same session is no change', () => {
    const { when, record } = given(ev.provisioned(1));
    expect(when(shown(1, 'v-1', 's-1', 'L-1', 1))).toEqual([
      expect.objectContaining({
        to: 'displayed',
        started: 1,
        ended: null,
        holder: expect.objectContaining({ visitorId: 'v-1' }),
      }),
    ]);
    expect(
      when(ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(2), started: false })),
    ).toEqual([]);
    expect(record(1)?.state).toBe('displayed');
  });

  it('the session ends: cooling, and the holder is remembered as a past holder; another session’s end is no change', () => {
    const { when, record } = given(ev.provisioned(1), shown(1, 'v-1', 's-1', 'L-1', 1));
    expect(when(ev.expired('v-2', 's-2', at(1), [[1, 'L-1', at(41)]], at(11)))).toEqual([]);
    expect(when(ev.expired('v-1', 's-1', at(1), [[1, 'L-1', at(41)]], at(11)))).toEqual([
      expect.objectContaining({
        to: 'cooling',
        coolingUntil: at(41),
        ended: expect.objectContaining({ reason: 'session_expired' }),
      }),
    ]);
    expect(record(1)).toEqual(
      expect.objectContaining({
        state: 'cooling',
        holder: null,
        past: [expect.objectContaining({ visitorId: 'v-1', listingId: 'L-1', endedAt: iso(at(11)) })],
      }),
    );
  });

  it('a call locks the number (the Pool 1 holding ends as called); a later call only extends the lock', () => {
    const { when, record } = given(ev.provisioned(1), shown(1, 'v-1', 's-1', 'L-1', 1));
    expect(when(called(1, 'v-1', 'L-1', 3))).toEqual([
      expect.objectContaining({
        from: 'displayed',
        to: 'locked',
        started: 2,
        ended: expect.objectContaining({ reason: 'called' }),
      }),
    ]);
    expect(when(called(1, 'v-1', 'L-1', 8))).toEqual([
      expect.objectContaining({ to: 'locked', started: null, ended: null }),
    ]);
    // The session that showed it ends: the number stays locked (Pool 2).
    expect(when(ev.expired('v-1', 's-1', at(1), [[1, 'L-1', at(41)]], at(11)))).toEqual([]);
    expect(record(1)?.state).toBe('locked');
  });

  it('a lock shown again in a newer session keeps the lock, with the newest session', () => {
    const { when, record } = given(ev.provisioned(1), shown(1, 'v-1', 's-1', 'L-1', 1), called(1, 'v-1', 'L-1', 3));
    const again = ev.displayed({ i: 1, visitor: 'v-1', session: 's-7', listing: 'L-1', when: at(90), started: false });
    when({ ...again, data: { ...again.data, pool: 'locked' } } as PoolEvent);
    expect(record(1)).toEqual(
      expect.objectContaining({ state: 'locked', holder: expect.objectContaining({ sessionId: 's-7' }) }),
    );
  });

  it('a cooling number reclaimed by another visitor keeps its past holder (a late call may be theirs)', () => {
    const { when, record } = given(
      ev.provisioned(1),
      shown(1, 'v-1', 's-1', 'L-1', 1),
      ev.expired('v-1', 's-1', at(1), [[1, 'L-1', at(41)]], at(11)),
    );
    expect(when(shown(1, 'v-2', 's-2', 'L-2', 15))).toEqual([
      expect.objectContaining({ from: 'cooling', to: 'displayed', started: 1 }),
    ]);
    expect(record(1)?.past.map((p) => p.visitorId)).toEqual(['v-1']);
    expect(when(ev.pageViewed('v-2', 's-2', at(16)))).toEqual([]);
  });

  it('unlocked: cooling, the lock holder remembered; cooled: available', () => {
    const { when, record } = given(ev.provisioned(1), called(1, 'v-1', 'L-1', 3));
    const unlocked = {
      type: 'NumberUnlocked',
      occurredAt: iso(at(60)),
      data: { number: num(1), visitorId: 'v-1', listingId: 'L-1', reason: 'lock_expired', coolingUntil: iso(at(90)) },
    } as PoolEvent;
    expect(when(unlocked)).toEqual([
      expect.objectContaining({ to: 'cooling', ended: expect.objectContaining({ reason: 'lock_expired' }) }),
    ]);
    expect(when({ type: 'NumberCooledDown', occurredAt: iso(at(90)), data: { number: num(1) } } as PoolEvent)).toEqual([
      expect.objectContaining({ from: 'cooling', to: 'available' }),
    ]);
    expect(record(1)?.past[0]).toEqual(expect.objectContaining({ visitorId: 'v-1', reason: 'lock_expired' }));
  });

  it('a listing-level number leaves the pool; released, then bought back, it starts a new life', () => {
    const { when, record } = given(
      ev.provisioned(1),
      shown(1, 'v-1', 's-1', 'L-1', 1),
      ev.expired('v-1', 's-1', at(1), [[1, 'L-1', at(41)]], at(11)),
    );
    when({
      type: 'ListingNumberAssigned',
      occurredAt: iso(at(50)),
      data: { listingId: 'L-9', dealerId: 'D-9', number: num(1) },
    } as PoolEvent);
    expect(record(1)).toEqual(expect.objectContaining({ state: 'listing', listingId: 'L-9' }));
    when({
      type: 'NumberReleased',
      occurredAt: iso(at(60)),
      data: { number: num(1), sid: 'PN1', reason: 'listing_sold' },
    } as PoolEvent);
    expect(record(1)?.state).toBe('released');
    when(ev.provisioned(1, at(70)));
    expect(record(1)).toEqual(expect.objectContaining({ state: 'available', past: [], listingId: null }));
  });

  it('keeps only the newest few past holders', () => {
    const events: PoolEvent[] = [ev.provisioned(1)];
    for (let k = 0; k < 10; k++) {
      events.push(shown(1, `v-${k}`, `s-${k}`, 'L-1', k * 20));
      events.push(ev.expired(`v-${k}`, `s-${k}`, at(k * 20), [[1, 'L-1', at(k * 20 + 40)]], at(k * 20 + 10)));
    }
    expect(
      given(...events)
        .record(1)
        ?.past.map((p) => p.visitorId),
    ).toEqual(['v-9', 'v-8', 'v-7', 'v-6', 'v-5', 'v-4', 'v-3', 'v-2']);
    expect(MIN).toBe(60_000);
  });
});
