import { iso, poolEvent } from './events';
import { poolPolicy } from './policy';
import { at, display, ev, given, MIN, num, specPolicy, summary, T0 } from './spec/kit';

const expire = { type: 'ExpireDue' } as const;

describe('ExpireDue: sessions', () => {
  const shown = () => [
    ev.listing('L-1'),
    ev.listing('L-2'),
    ev.provisioned(1),
    ev.provisioned(2),
    ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
    ev.displayed({ i: 2, visitor: 'v-1', session: 's-1', listing: 'L-2', when: at(2) }),
  ];

  it('expires a session SESSION_IDLE after its last activity, stamped with that due time; its numbers start cooling', () => {
    const { when } = given(shown());
    expect(when(expire, at(11))).toEqual([]);
    expect(when(expire, at(12))).toEqual([
      ev.expired(
        'v-1',
        's-1',
        at(2),
        [
          [1, 'L-1', at(42)],
          [2, 'L-2', at(42)],
        ],
        at(12),
      ),
    ]);
  });

  it('keeps a session alive with page views (sliding expiry)', () => {
    const { when } = given([...shown(), ev.pageViewed('v-1', 's-1', at(9))]);
    expect(when(expire, at(18))).toEqual([]);
    expect(summary(when(expire, at(19)))).toEqual(['SessionExpired @19m']);
  });

  it('cools numbers down in the same pass when the clock jumps past both, each at its own due time', () => {
    const scenario = given(shown());
    expect(summary(scenario.when(expire, at(100)))).toEqual([
      'SessionExpired @12m',
      `NumberCooledDown ${num(1)} @42m`,
      `NumberCooledDown ${num(2)} @42m`,
    ]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ available: 2, displayed: 0, cooling: 0 }));
    expect(scenario.state.sessions.has('s-1')).toBe(false);
  });

  it('frees the numbers for other visitors once cooled (displayed → cooling → available)', () => {
    const scenario = given(shown());
    scenario.when(expire, at(42));
    expect(scenario.state.counts).toEqual(expect.objectContaining({ available: 2, cooling: 0 }));
    expect(scenario.when(display('v-2', 's-2', 'L-1'), at(42))[0].data).toEqual(
      expect.objectContaining({ pool: 'session', number: num(1), cooledSeconds: 30 * 60 }),
    );
    expect(scenario.state.counts).toEqual(expect.objectContaining({ available: 1, displayed: 1 }));
  });

  it('orders expiries of several sessions by due time', () => {
    const { when } = given([
      ev.listing('L-1'),
      ev.displayed({ i: 1, visitor: 'v-b', session: 's-b', listing: 'L-1', when: at(5), started: false }),
      ev.pageViewed('v-a', 's-a', at(1)),
      ev.pageViewed('v-c', 's-c', at(3)),
    ]);
    expect(
      when(expire, at(60)).map(
        (e) => `${(e.data as { sessionId: string }).sessionId}@${(Date.parse(e.occurredAt) - T0) / MIN}`,
      ),
    ).toEqual(['s-a@11', 's-c@13', 's-b@15']);
  });

  it('starts a new session for the same id after expiry', () => {
    const scenario = given(shown());
    scenario.when(expire, at(12));
    expect(scenario.when(display('v-1', 's-1', 'L-1'), at(13))[0].data).toEqual(
      expect.objectContaining({ sessionStarted: true }),
    );
  });

  it('decides at most expiryBatchLimit events per pass, the rest on the next one', () => {
    const events = Array.from({ length: 5 }, (_, i) => ev.pageViewed(`v-${i}`, `s-${i}`, at(i)));
    const scenario = given(events, poolPolicy({ ...specPolicy, expiryBatchLimit: 2 }));
    expect(scenario.when(expire, at(60))).toHaveLength(2);
    expect(scenario.when(expire, at(60))).toHaveLength(2);
    expect(scenario.when(expire, at(60))).toHaveLength(1);
  });

  it('folds a replay that reads page views before the expiry of an earlier session under the same id', () => {
    // The log: session s-1 ended at 12m, a new one under the same id began at 30m. A replay that
    // reads callpool.web-events first folds the 30m page view before the 12m expiry.
    const expired = ev.expired(
      'v-1',
      's-1',
      at(2),
      [
        [1, 'L-1', at(42)],
        [2, 'L-2', at(42)],
      ],
      at(12),
    );
    const scenario = given([ev.pageViewed('v-1', 's-1', at(30)), ...shown(), expired]);
    expect(scenario.state.sessions.get('s-1')).toEqual(
      expect.objectContaining({ lastSeenAt: at(30), expiresAt: at(40) }),
    );
    expect(scenario.state.sessions.get('s-1')?.holdings.size).toBe(0);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ cooling: 2, displayed: 0 }));
  });
});

describe('ExpireDue: locks', () => {
  it('ends a lock LOCK_DAYS after the last call: NumberUnlocked (lock_expired), cooling, then available', () => {
    const scenario = given([
      ev.listing('L-1'),
      ev.provisioned(1),
      ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
      ev.locked(1, 'v-1', 'L-1', at(3)),
    ]);
    const due = at(3) + specPolicy.lockMs;
    const events = scenario.when(expire, due + 30 * MIN);
    expect(events.filter((e) => e.type !== 'SessionExpired')).toEqual([
      poolEvent(
        'NumberUnlocked',
        {
          number: num(1),
          visitorId: 'v-1',
          listingId: 'L-1',
          reason: 'lock_expired',
          coolingUntil: iso(due + 30 * MIN),
        },
        due,
      ),
      poolEvent('NumberCooledDown', { number: num(1) }, due + 30 * MIN),
    ]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ available: 1, locked: 0 }));
    expect(scenario.state.locks.size).toBe(0);
  });
});
