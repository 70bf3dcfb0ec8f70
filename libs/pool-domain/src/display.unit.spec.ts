import { iso } from './events';
import { PoolRuleError } from './errors';
import { at, display, ev, FORWARD_TO, given, num, specPolicy } from './spec/kit';

describe('DisplayNumber: Pool 1', () => {
  const pool = () => [ev.listing('L-1'), ev.listing('L-2'), ev.provisioned(1), ev.provisioned(2), ev.provisioned(3)];

  it('gives a new (session, listing) a free number for the life of the session', () => {
    const { when } = given(pool());
    expect(when(display('v-1', 's-1', 'L-1'), at(1))).toEqual([
      expect.objectContaining({
        type: 'NumberDisplayed',
        occurredAt: iso(at(1)),
        data: expect.objectContaining({
          pool: 'session',
          attribution: 'visitor',
          visitorId: 'v-1',
          sessionId: 's-1',
          listingId: 'L-1',
          dealerId: 'D-1',
          assignmentStarted: true,
          sessionStarted: true,
          expiresAt: iso(at(11)),
        }),
      }),
    ]);
  });

  it('gives the same (session, listing) the same number again and slides the session', () => {
    const scenario = given(pool());
    const [first] = scenario.when(display('v-1', 's-1', 'L-1'), at(1));
    const [again] = scenario.when(display('v-1', 's-1', 'L-1'), at(5));
    expect(again.data).toEqual(
      expect.objectContaining({
        number: (first.data as { number: string }).number,
        assignmentStarted: false,
        sessionStarted: false,
        expiresAt: iso(at(15)),
      }),
    );
    expect(scenario.state.sessions.get('s-1')?.expiresAt).toBe(at(15));
  });

  it('never gives one number to two holders while it is held', () => {
    const scenario = given(pool());
    const shown = [
      scenario.when(display('v-1', 's-1', 'L-1'), at(1)),
      scenario.when(display('v-1', 's-1', 'L-2'), at(1)),
      scenario.when(display('v-2', 's-2', 'L-1'), at(1)),
    ].map(([e]) => (e.data as { number: string }).number);
    expect(new Set(shown).size).toBe(3);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ displayed: 3, available: 0 }));
  });

  it('prefers a free number whose last listing is the requested listing', () => {
    const { when } = given([
      ...pool(),
      ev.displayed({ i: 3, visitor: 'v-9', session: 's-9', listing: 'L-2', when: at(0) }),
      ev.expired('v-9', 's-9', at(0), [[3, 'L-2', at(40)]], at(10)),
      poolEvent('NumberCooledDown', { number: num(3) }, at(40)),
    ]);
    expect(when(display('v-1', 's-1', 'L-2'), at(41))[0].data).toEqual(expect.objectContaining({ number: num(3) }));
  });

  it('then takes the least recently used free number', () => {
    const { when } = given([
      ev.listing('L-1'),
      ev.listing('L-2', 'premium', at(0), 'D-2'),
      ev.provisioned(1),
      ev.provisioned(2),
      ev.provisioned(3),
      ev.displayed({ i: 1, visitor: 'v-9', session: 's-9', listing: 'L-2', when: at(0) }),
      ev.expired('v-9', 's-9', at(0), [[1, 'L-2', at(40)]], at(10)),
      poolEvent('NumberCooledDown', { number: num(1) }, at(40)),
    ]);
    // Never-used numbers 2 and 3 are older than number 1's last use; 2 came first.
    expect(when(display('v-1', 's-1', 'L-1'), at(41))[0].data).toEqual(expect.objectContaining({ number: num(2) }));
  });

  describe('reuse policies (REUSE_POLICY)', () => {
    // Number 1 was last shown on L-2 (dealer D-1), number 2 on L-3 (dealer D-2); number 3 was never shown.
    // L-1 is dealer D-1's other listing.
    const history = () => [
      ev.listing('L-1'),
      ev.listing('L-2'),
      ev.listing('L-3', 'premium', at(0), 'D-2'),
      ev.provisioned(1),
      ev.provisioned(2),
      ev.provisioned(3),
      ev.displayed({ i: 2, visitor: 'v-8', session: 's-8', listing: 'L-3', when: at(0) }),
      ev.displayed({ i: 1, visitor: 'v-9', session: 's-9', listing: 'L-2', when: at(1) }),
      ev.expired('v-8', 's-8', at(0), [[2, 'L-3', at(40)]], at(10)),
      ev.expired('v-9', 's-9', at(1), [[1, 'L-2', at(41)]], at(11)),
      poolEvent('NumberCooledDown', { number: num(2) }, at(40)),
      poolEvent('NumberCooledDown', { number: num(1) }, at(41)),
    ];
    const picked = (reuse: 'lru' | 'listing' | 'dealer', listingId: string) => {
      const { when } = given(history(), { ...specPolicy, reuse });
      return (when(display('v-1', 's-1', listingId), at(42))[0].data as { number: string }).number;
    };

    it('dealer: a number last shown on another listing of the same dealer, so a late caller still rings that dealer', () => {
      expect(picked('dealer', 'L-1')).toBe(num(1));
    });

    it('dealer: the same listing first, before the dealer', () => {
      expect(picked('dealer', 'L-3')).toBe(num(2));
    });

    it('listing: the same listing, else the least recently used (a never-used number first)', () => {
      expect(picked('listing', 'L-3')).toBe(num(2));
      expect(picked('listing', 'L-1')).toBe(num(3));
    });

    it('lru: the least recently used, whatever listing it served', () => {
      expect(picked('lru', 'L-2')).toBe(num(3));
    });

    it('dealer: without a free number of the dealer, the least recently used', () => {
      const { when } = given([...history(), ev.listing('L-4', 'premium', at(0), 'D-3')]);
      expect(when(display('v-1', 's-1', 'L-4'), at(42))[0].data).toEqual(expect.objectContaining({ number: num(3) }));
    });
  });

  it('prefers a free number to a cooling one, however well the cooling one would fit', () => {
    const { when } = given([
      ev.listing('L-1'),
      ev.listing('L-2'),
      ev.provisioned(1),
      ev.provisioned(2),
      ev.displayed({ i: 1, visitor: 'v-9', session: 's-9', listing: 'L-1', when: at(0) }),
      ev.expired('v-9', 's-9', at(0), [[1, 'L-1', at(40)]], at(10)),
    ]);
    expect(when(display('v-1', 's-1', 'L-1'), at(20))[0].data).toEqual(
      expect.objectContaining({ pool: 'session', number: num(2) }),
    );
  });

  it('gives a returning visitor the number they had on that listing while it cools', () => {
    const { when } = given([
      ev.listing('L-1'),
      ev.provisioned(1),
      ev.provisioned(2),
      ev.displayed({ i: 2, visitor: 'v-9', session: 's-9', listing: 'L-1', when: at(0) }),
      ev.expired('v-9', 's-9', at(0), [[2, 'L-1', at(40)]], at(10)),
    ]);
    expect(when(display('v-9', 's-10', 'L-1'), at(20))[0].data).toEqual(
      expect.objectContaining({ pool: 'session', number: num(2), assignmentStarted: true }),
    );
  });

  it('refuses an unknown listing (404) and a sold one (410)', () => {
    const { when } = given([ev.listing('L-1'), poolEvent('ListingSold', { listingId: 'L-1' }, at(0))]);
    expect(() => when(display('v-1', 's-1', 'L-404'), at(1))).toThrow(
      expect.objectContaining({ code: 'listing_not_found' }) as unknown as PoolRuleError,
    );
    expect(() => when(display('v-1', 's-1', 'L-1'), at(1))).toThrow(
      expect.objectContaining({ code: 'listing_sold' }) as unknown as PoolRuleError,
    );
  });

  it('merges the session context, first value wins', () => {
    const scenario = given(pool());
    scenario.when(
      { ...display('v-1', 's-1', 'L-1'), context: { source: 'google', searchTerm: 'civic' } } as never,
      at(1),
    );
    scenario.when(
      { ...display('v-1', 's-1', 'L-2'), context: { source: 'facebook', referrer: 'https://fb.com/' } } as never,
      at(2),
    );
    expect(scenario.state.sessions.get('s-1')?.context).toEqual({
      source: 'google',
      searchTerm: 'civic',
      referrer: 'https://fb.com/',
    });
  });
});

describe('DisplayNumber: overflow, listing numbers and locks', () => {
  it('answers overflow with the dealer’s own line when no number is free, never an error', () => {
    const { when } = given([ev.listing('L-1')]);
    expect(when(display('v-1', 's-1', 'L-1'), at(1))[0].data).toEqual(
      expect.objectContaining({
        pool: 'overflow',
        attribution: 'none',
        number: FORWARD_TO,
        overflowReason: 'pool_empty',
      }),
    );
  });

  it('says the spend cap is why when POOL_MAX numbers are owned', () => {
    const owned = Array.from({ length: specPolicy.poolMax }, (_, i) => ev.provisioned(i + 1));
    const held = owned.map((_, i) =>
      ev.displayed({ i: i + 1, visitor: `v-${i}`, session: `s-${i}`, listing: 'L-1', when: at(0) }),
    );
    const { when } = given([ev.listing('L-1'), ...owned, ...held]);
    expect(when(display('v-x', 's-x', 'L-1'), at(1))[0].data).toEqual(
      expect.objectContaining({ pool: 'overflow', overflowReason: 'pool_max' }),
    );
  });

  it('gives a standard-tier listing its listing-level number, the same for everyone', () => {
    const scenario = given([ev.listing('L-S', 'standard'), ev.provisioned(1), ev.provisioned(2)]);
    const first = scenario.when(display('v-1', 's-1', 'L-S'), at(1));
    expect(first.map((e) => e.type)).toEqual(['ListingNumberAssigned', 'NumberDisplayed']);
    const [second] = scenario.when(display('v-2', 's-2', 'L-S'), at(2));
    expect(second.data).toEqual(expect.objectContaining({ pool: 'listing', attribution: 'listing', number: num(1) }));
    expect(scenario.state.counts).toEqual(expect.objectContaining({ listing: 1, available: 1, displayed: 0 }));
  });

  it('answers overflow with the listing-level number when the listing has one', () => {
    const { when } = given([
      ev.listing('L-1', 'standard'),
      ev.provisioned(1),
      poolEvent('ListingNumberAssigned', { listingId: 'L-1', dealerId: 'D-1', number: num(1) }, at(0)),
      ev.listing('L-1', 'premium', at(1)),
    ]);
    expect(when(display('v-1', 's-1', 'L-1'), at(2))[0].data).toEqual(
      expect.objectContaining({ pool: 'overflow', attribution: 'listing', number: num(1) }),
    );
  });

  it('shows a visitor their Pool 2 number on that listing in any session, until the lock ends', () => {
    const { when } = given([
      ev.listing('L-1'),
      ev.provisioned(1),
      ev.provisioned(2),
      ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
      ev.locked(1, 'v-1', 'L-1', at(3)),
    ]);
    expect(when(display('v-1', 's-77', 'L-1'), at(100))[0].data).toEqual(
      expect.objectContaining({
        pool: 'locked',
        attribution: 'visitor',
        number: num(1),
        expiresAt: iso(at(3) + specPolicy.lockMs),
      }),
    );
  });
});

import { poolEvent } from './events';
