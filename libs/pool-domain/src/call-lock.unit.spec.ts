import { iso, poolEvent } from './events';
import { at, call, DAY, display, ev, given, num, specPolicy } from './spec/kit';

describe('RecordCall: Pool 2 locks', () => {
  const held = () => [
    ev.listing('L-1'),
    ev.provisioned(1),
    ev.provisioned(2),
    ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
  ];

  it('locks a displayed number to its holder until LOCK_DAYS after the call', () => {
    const { when } = given(held());
    expect(when(call(1, 'v-1', 'L-1', at(2)), at(3))).toEqual([
      poolEvent(
        'NumberLocked',
        {
          number: num(1),
          visitorId: 'v-1',
          sessionId: 's-1',
          listingId: 'L-1',
          dealerId: 'D-1',
          callSid: `CA${at(2)}`,
          lockedUntil: iso(at(2) + specPolicy.lockMs),
          extended: false,
          previousState: 'displayed',
        },
        at(3),
      ),
    ]);
  });

  it('moves the number out of the session: the session expiring does not cool it', () => {
    const scenario = given(held());
    scenario.when(call(1, 'v-1', 'L-1', at(2)), at(3));
    const expiry = scenario.when({ type: 'ExpireDue' }, at(60));
    expect(expiry).toEqual([
      expect.objectContaining({ type: 'SessionExpired', data: expect.objectContaining({ numbersCooling: [] }) }),
    ]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ locked: 1, displayed: 0 }));
  });

  it('extends the lock on a repeat call, and ignores a redelivered or older call', () => {
    const scenario = given([...held(), ev.locked(1, 'v-1', 'L-1', at(2))]);
    expect(scenario.when(call(1, 'v-1', 'L-1', at(2)), at(5))).toEqual([]);
    expect(scenario.when(call(1, 'v-1', 'L-1', at(1), 'CA-old'), at(5))).toEqual([]);
    expect(scenario.when(call(1, 'v-1', 'L-1', at(2) + 10 * DAY, 'CA-2'), at(2) + 10 * DAY)[0].data).toEqual(
      expect.objectContaining({ extended: true, previousState: 'locked', lockedUntil: iso(at(2) + 40 * DAY) }),
    );
  });

  it('locks a cooling number called by its last holder, not one handed to someone else since', () => {
    const expired = poolEvent(
      'SessionExpired',
      {
        sessionId: 's-1',
        visitorId: 'v-1',
        lastSeenAt: iso(at(0)),
        numbersCooling: [{ number: num(1), listingId: 'L-1', coolingUntil: iso(at(40)) }],
      },
      at(10),
    );
    expect(given([...held(), expired]).when(call(1, 'v-1', 'L-1', at(20)), at(20))[0].data).toEqual(
      expect.objectContaining({ previousState: 'cooling' }),
    );
    const reassigned = [
      ...held(),
      expired,
      poolEvent('NumberCooledDown', { number: num(1) }, at(40)),
      ev.provisioned(3, at(41)),
      ev.displayed({ i: 1, visitor: 'v-2', session: 's-2', listing: 'L-1', when: at(41) }),
    ];
    expect(given(reassigned).when(call(1, 'v-1', 'L-1', at(42)), at(42))).toEqual([]);
  });

  it('does not lock on a call attributed to someone else, or to no visitor', () => {
    const { when } = given(held());
    expect(when(call(1, 'v-2', 'L-1', at(2)), at(3))).toEqual([]);
    expect(when(call(1, null, null, at(2)), at(3))).toEqual([]);
    expect(when(call(9, 'v-1', 'L-1', at(2)), at(3))).toEqual([]);
  });

  it('does not lock on a call whose lock would already have run out (a late replay)', () => {
    expect(given(held()).when(call(1, 'v-1', 'L-1', at(2)), at(2) + 31 * DAY)).toEqual([]);
  });
});

describe('SellListing', () => {
  const lockedOnListing = () => [
    ev.listing('L-1'),
    ev.provisioned(1),
    ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
    ev.locked(1, 'v-1', 'L-1', at(2)),
  ];

  it('ends the listing’s locks (NumberUnlocked, listing_sold) and the numbers start cooling', () => {
    const scenario = given(lockedOnListing());
    expect(scenario.when({ type: 'SellListing', listingId: 'L-1' }, at(5))).toEqual([
      poolEvent('ListingSold', { listingId: 'L-1' }, at(5)),
      poolEvent(
        'NumberUnlocked',
        { number: num(1), visitorId: 'v-1', listingId: 'L-1', reason: 'listing_sold', coolingUntil: iso(at(35)) },
        at(5),
      ),
    ]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ cooling: 1, locked: 0 }));
    expect(() => scenario.when(display('v-1', 's-1', 'L-1'), at(6))).toThrow(
      expect.objectContaining({ code: 'listing_sold' }) as unknown as Error,
    );
  });

  it('decides nothing when sold again, and refuses an unknown listing', () => {
    const scenario = given([...lockedOnListing(), poolEvent('ListingSold', { listingId: 'L-1' }, at(3))]);
    expect(scenario.when({ type: 'SellListing', listingId: 'L-1' }, at(5))).toEqual([]);
    expect(() => scenario.when({ type: 'SellListing', listingId: 'L-404' }, at(5))).toThrow(
      expect.objectContaining({ code: 'listing_not_found' }) as unknown as Error,
    );
  });

  it('never lets a call lock a sold listing’s number', () => {
    const scenario = given([...lockedOnListing().slice(0, 3), poolEvent('ListingSold', { listingId: 'L-1' }, at(1))]);
    expect(scenario.when(call(1, 'v-1', 'L-1', at(2)), at(2))).toEqual([]);
  });
});
