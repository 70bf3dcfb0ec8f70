import { iso, poolEvent } from './events';
import { poolPolicy } from './policy';
import { planReplenishment, poolTarget } from './sizing';
import { at, DAY, ev, given, num, specPolicy, T0 } from './spec/kit';

const sessions = (count: number, when: number, prefix = 's') =>
  Array.from({ length: count }, (_, i) => ev.pageViewed(`v-${prefix}${i}`, `${prefix}${i}`, when));

describe('pool target (sizing)', () => {
  it('is POOL_FLOOR before any traffic', () => {
    expect(poolTarget(given([]).state, at(0), specPolicy)).toBe(specPolicy.poolFloor);
  });

  it('is peak distinct sessions in a 10-minute UTC window × LISTINGS_PER_SESSION × margin before enough data', () => {
    const policy = poolPolicy({ ...specPolicy, poolMax: 1000, poolFloor: 1 });
    // 3 sessions in 10:00–10:10 (one of them twice), 1 in 10:10–10:20.
    const { state } = given(
      [...sessions(3, at(1)), ev.pageViewed('v-s0', 's0', at(5)), ev.pageViewed('v-x', 'x', at(12))],
      policy,
    );
    expect(poolTarget(state, at(15), policy)).toBe(Math.ceil(3 * 5 * 1.2));
  });

  it('uses the observed listings per session once enough sessions have ended', () => {
    const policy = poolPolicy({ ...specPolicy, poolMax: 1000, poolFloor: 1, minSessionsObserved: 2 });
    const ended = (s: string) =>
      poolEvent(
        'SessionExpired',
        { sessionId: s, visitorId: `v-${s}`, lastSeenAt: iso(at(1)), numbersCooling: [] },
        at(11),
      );
    const { state } = given(
      [
        ev.listing('L-1'),
        ev.listing('L-2'),
        ...['a', 'b'].flatMap((s) =>
          ['L-1', 'L-2'].map((l) =>
            poolEvent(
              'NumberDisplayed',
              {
                number: '+15557654321',
                pool: 'overflow',
                attribution: 'none',
                visitorId: `v-${s}`,
                sessionId: s,
                listingId: l,
                dealerId: 'D-1',
                expiresAt: iso(at(11)),
                assignmentStarted: false,
              },
              at(1),
            ),
          ),
        ),
        ended('a'),
        ended('b'),
        ...sessions(10, at(12)),
      ],
      policy,
    );
    expect(poolTarget(state, at(15), policy)).toBe(Math.ceil(10 * 2 * 1.2));
  });

  it('forgets windows older than the lookback and is capped by POOL_MAX', () => {
    const policy = poolPolicy({ ...specPolicy, poolMax: 40, poolFloor: 1, sizingLookbackWindows: 6 });
    const { state } = given([...sessions(20, at(0), 'old'), ...sessions(2, at(65), 'new')], policy);
    expect(poolTarget(state, at(5), policy)).toBe(40);
    expect(poolTarget(state, at(65), policy)).toBe(Math.ceil(2 * 5 * 1.2));
  });
});

describe('PlanReplenishment', () => {
  it('buys up to the target in steps (PROVISION_STEP), counting purchases under way', () => {
    const { state } = given([]);
    expect(planReplenishment(state, at(0), specPolicy, 0)).toEqual({ target: 4, wanted: 0, buy: 3, release: [] });
    expect(planReplenishment(state, at(0), specPolicy, 3).buy).toBe(1);
  });

  it('respects the purchase rate cap per minute', () => {
    const { state } = given(
      [ev.provisioned(1, at(0)), ev.provisioned(2, at(0)), ev.provisioned(3, at(0.5)), ev.provisioned(4, at(0.5))],
      poolPolicy({ ...specPolicy, poolFloor: 10, poolMax: 50 }),
    );
    const policy = poolPolicy({ ...specPolicy, poolFloor: 10, poolMax: 50 });
    expect(planReplenishment(state, at(0.9), policy, 0).buy).toBe(1);
    expect(planReplenishment(state, at(1.6), policy, 0).buy).toBe(3);
  });

  it('never plans past POOL_MAX, locked and listing-level numbers included', () => {
    const policy = poolPolicy({ ...specPolicy, poolFloor: 20, poolMax: 3, provisionRatePerMinute: 100 });
    const { state } = given(
      [
        ev.listing('L-1', 'standard'),
        ev.provisioned(1),
        ev.provisioned(2),
        poolEvent('ListingNumberAssigned', { listingId: 'L-1', dealerId: 'D-1', number: num(1) }, at(0)),
      ],
      policy,
    );
    expect(planReplenishment(state, at(1), policy, 0).buy).toBe(1);
    expect(planReplenishment(state, at(1), policy, 1).buy).toBe(0);
  });

  it('buys below the low watermark of free numbers even at target', () => {
    const policy = poolPolicy({ ...specPolicy, poolFloor: 2, poolMax: 50 });
    const { state } = given(
      [
        ev.listing('L-1'),
        ev.provisioned(1),
        ev.provisioned(2),
        ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
        ev.displayed({ i: 2, visitor: 'v-2', session: 's-2', listing: 'L-1', when: at(0) }),
      ],
      policy,
    );
    expect(planReplenishment(state, at(0), policy, 0).buy).toBeGreaterThan(0);
  });
});

describe('PlanReplenishment: the minimum of free numbers (POOL_MIN_FREE)', () => {
  // Bought at 10:00; the plans below are made at 10:02, past the per-minute purchase cap.
  const fourFree = [ev.provisioned(1), ev.provisioned(2), ev.provisioned(3), ev.provisioned(4)];

  it('keeps at least POOL_MIN_FREE numbers free when the target (here the floor) is already owned', () => {
    const policy = poolPolicy({ ...specPolicy, poolFloor: 4, poolMax: 50, minFree: 6 });
    const { state } = given(fourFree, policy);
    expect(planReplenishment(state, at(2), policy, 0)).toEqual(expect.objectContaining({ target: 4, buy: 2 }));
    expect(planReplenishment(state, at(2), policy, 2).buy).toBe(0); // those purchases are under way
  });

  it('buys nothing at target when the free numbers already reach it', () => {
    const policy = poolPolicy({ ...specPolicy, poolFloor: 4, poolMax: 50, minFree: 4 });
    expect(planReplenishment(given(fourFree, policy).state, at(2), policy, 0).buy).toBe(0);
  });

  it('never buys past POOL_MAX for it', () => {
    const policy = poolPolicy({ ...specPolicy, poolFloor: 4, poolMax: 5, minFree: 10 });
    expect(planReplenishment(given(fourFree, policy).state, at(2), policy, 0).buy).toBe(1);
  });
});

describe('PlanReplenishment: releases', () => {
  const policy = poolPolicy({
    ...specPolicy,
    poolFloor: 2,
    poolMax: 50,
    releaseIdleMs: DAY,
    releaseBeforeRenewalMs: 2 * DAY,
  });
  const many = (count: number) => Array.from({ length: count }, (_, i) => ev.provisioned(i + 1, T0));
  const nearRenewal = T0 + 30 * DAY;

  it('gives back idle numbers near their monthly renewal when far above target', () => {
    const plan = planReplenishment(given(many(10), policy).state, nearRenewal, policy, 0);
    expect(plan.buy).toBe(0);
    expect(plan.release).toHaveLength(3);
    expect(plan.release.every((r) => r.reason === 'surplus')).toBe(true);
  });

  it('keeps numbers whose renewal is not near (the month is paid for)', () => {
    expect(planReplenishment(given(many(10), policy).state, T0 + 10 * DAY, policy, 0).release).toEqual([]);
  });

  it('has hysteresis: slightly above target releases nothing', () => {
    const narrow = poolPolicy({ ...policy, poolFloor: 8 });
    expect(planReplenishment(given(many(10), narrow).state, nearRenewal, narrow, 0).release).toEqual([]);
  });

  it('never releases locked, displayed or cooling numbers, and the domain refuses it if asked', () => {
    const scenario = given(
      [
        ...many(3),
        ev.listing('L-1'),
        ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
        ev.locked(1, 'v-1', 'L-1', at(1)),
        ev.displayed({ i: 2, visitor: 'v-2', session: 's-2', listing: 'L-1', when: at(0) }),
      ],
      policy,
    );
    expect(scenario.when({ type: 'ReleaseNumber', number: num(1), reason: 'manual' }, at(2))).toEqual([]);
    expect(scenario.when({ type: 'ReleaseNumber', number: num(2), reason: 'manual' }, at(2))).toEqual([]);
    expect(scenario.when({ type: 'ReleaseNumber', number: num(3), reason: 'surplus' }, at(2))).toEqual([
      poolEvent('NumberReleased', { number: num(3), sid: 'PN3', reason: 'surplus' }, at(2)),
    ]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ released: 1, locked: 1, displayed: 1 }));
  });

  it('gives back a sold listing’s listing-level number', () => {
    const scenario = given(
      [
        ev.listing('L-1', 'standard'),
        ev.provisioned(1),
        poolEvent('ListingNumberAssigned', { listingId: 'L-1', dealerId: 'D-1', number: num(1) }, at(0)),
        poolEvent('ListingSold', { listingId: 'L-1' }, at(1)),
      ],
      policy,
    );
    expect(planReplenishment(scenario.state, at(2), policy, 0).release).toEqual([
      { number: num(1), reason: 'listing_sold' },
    ]);
    scenario.when({ type: 'ReleaseNumber', number: num(1), reason: 'listing_sold' }, at(3));
    expect(planReplenishment(scenario.state, at(4), policy, 0).release).toEqual([]);
  });
});

describe('provisioning results', () => {
  it('records a purchase as NumberProvisioned (renewing a month later) and ignores the same number twice', () => {
    const scenario = given([]);
    const bought = {
      type: 'ProvisioningSucceeded',
      number: num(1),
      sid: 'PN1',
      areaCode: '415',
      purchasedAt: Date.parse('2026-01-31T10:00:00Z'),
    } as const;
    expect(scenario.when(bought, at(0))).toEqual([
      poolEvent(
        'NumberProvisioned',
        { number: num(1), sid: 'PN1', areaCode: '415', renewsAt: '2026-02-28T10:00:00.000Z' },
        bought.purchasedAt,
      ),
    ]);
    expect(scenario.when(bought, at(1))).toEqual([]);
    expect(scenario.state.counts.available).toBe(1);
  });

  it('records a failed purchase with its back-off', () => {
    const { when } = given([]);
    expect(
      when(
        { type: 'ProvisioningFailed', reason: 'HTTP 429', requested: 1, kind: 'rate_limited', retryAt: at(1) },
        at(0),
      ),
    ).toEqual([
      poolEvent(
        'NumberProvisioningFailed',
        { reason: 'HTTP 429', requested: 1, kind: 'rate_limited', retryAt: iso(at(1)) },
        at(0),
      ),
    ]);
  });
});

describe('RegisterListing', () => {
  it('registers a premium listing without a number', () => {
    expect(
      given([ev.provisioned(1)]).when(
        { type: 'RegisterListing', listingId: 'L-1', dealerId: 'D-1', forwardTo: '+15557654321', tier: 'premium' },
        at(0),
      ),
    ).toEqual([
      poolEvent(
        'ListingRegistered',
        { listingId: 'L-1', dealerId: 'D-1', forwardTo: '+15557654321', tier: 'premium' },
        at(0),
      ),
    ]);
  });

  it('gives a standard listing a listing-level number once, and keeps it on update', () => {
    const scenario = given([ev.provisioned(1), ev.provisioned(2)]);
    const register = {
      type: 'RegisterListing',
      listingId: 'L-1',
      dealerId: 'D-1',
      forwardTo: '+15557654321',
      tier: 'standard',
    } as const;
    expect(scenario.when(register, at(0)).map((e) => e.type)).toEqual(['ListingRegistered', 'ListingNumberAssigned']);
    expect(scenario.when({ ...register, forwardTo: '+15550000000' }, at(1)).map((e) => e.type)).toEqual([
      'ListingRegistered',
    ]);
    expect(scenario.state.listings.get('L-1')).toEqual(
      expect.objectContaining({ number: num(1), forwardTo: '+15550000000' }),
    );
  });
});
