import { poolPolicy } from './policy';
import { planReplenishment, poolSizing, wakesReplenisher } from './sizing';
import { at, display, ev, FORWARD_TO, given, MIN, num, specPolicy, summary } from './spec/kit';

/**
 * The cool-down is a target, not a gate (issue 11): a display takes a cooling
 * number rather than answer overflow, the best-fitting one for a late caller.
 */
describe('DisplayNumber: elastic cool-down', () => {
  // Numbers 1-3 held in s-9 on L-1 (D-1), L-2 (D-1), L-3 (D-2); the session ended at 10 min,
  // number 3 ended earlier (at 10 min too, but filed first), all cooling until 40 min.
  const history = () => [
    ev.listing('L-1'),
    ev.listing('L-2'),
    ev.listing('L-3', 'premium', at(0), 'D-2'),
    ev.listing('L-4', 'premium', at(0), 'D-3'),
    ev.provisioned(1),
    ev.provisioned(2),
    ev.provisioned(3),
    ev.displayed({ i: 3, visitor: 'v-8', session: 's-8', listing: 'L-3', when: at(0) }),
    ev.expired('v-8', 's-8', at(0), [[3, 'L-3', at(40)]], at(10)),
    ev.displayed({ i: 1, visitor: 'v-9', session: 's-9', listing: 'L-1', when: at(2) }),
    ev.displayed({ i: 2, visitor: 'v-9', session: 's-9', listing: 'L-2', when: at(2) }),
    ev.expired(
      'v-9',
      's-9',
      at(2),
      [
        [1, 'L-1', at(42)],
        [2, 'L-2', at(42)],
      ],
      at(12),
    ),
  ];

  it('gives a display a cooling number, the one last held on the same listing first', () => {
    const { when, state } = given(history());
    expect(state.counts).toEqual(expect.objectContaining({ available: 0, cooling: 3 }));
    expect(when(display('v-1', 's-1', 'L-2'), at(20))[0].data).toEqual(
      expect.objectContaining({ pool: 'session', attribution: 'visitor', number: num(2), assignmentStarted: true }),
    );
  });

  it('then one last held on a listing of the same dealer', () => {
    const { when } = given([...history(), ev.listing('L-5')]);
    expect(when(display('v-1', 's-1', 'L-5'), at(20))[0].data).toEqual(expect.objectContaining({ number: num(1) }));
  });

  it('then the one that has rested longest', () => {
    const { when } = given(history());
    expect(when(display('v-1', 's-1', 'L-4'), at(20))[0].data).toEqual(expect.objectContaining({ number: num(3) }));
  });

  it('says that the number was reclaimed and how long it had cooled', () => {
    const { when } = given(history());
    expect(when(display('v-1', 's-1', 'L-1'), at(20))[0].data).toEqual(
      expect.objectContaining({ number: num(1), cooledSeconds: 8 * 60, reclaimed: true }),
    );
  });

  it('gives the last holder back their own cooling number without calling it reclaimed', () => {
    const { when } = given(history());
    const [shown] = when(display('v-9', 's-10', 'L-1'), at(20));
    expect(shown.data).toEqual(expect.objectContaining({ number: num(1), cooledSeconds: 8 * 60 }));
    expect(shown.data).not.toHaveProperty('reclaimed');
  });

  it('takes a reclaimed number out of cooling for good: no cool-down event follows for it', () => {
    const scenario = given(history());
    scenario.when(display('v-1', 's-1', 'L-1'), at(20));
    expect(scenario.state.counts).toEqual(expect.objectContaining({ displayed: 1, cooling: 2 }));
    expect(summary(scenario.when({ type: 'ExpireDue' }, at(45)))).toEqual([
      'SessionExpired @30m',
      `NumberCooledDown ${num(3)} @40m`,
      `NumberCooledDown ${num(2)} @42m`,
    ]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ available: 2, cooling: 1, displayed: 0 }));
    expect(scenario.state.numbers.get(num(1))?.coolingUntil).toBe(at(30) + 30 * MIN);
  });

  it('answers overflow only when every number is displayed or locked; the reason says whether the cap binds', () => {
    const capped = poolPolicy({ ...specPolicy, poolMax: 2 });
    const full = [
      ev.listing('L-1'),
      ev.provisioned(1),
      ev.provisioned(2),
      ev.displayed({ i: 1, visitor: 'v-1', session: 's-1', listing: 'L-1', when: at(0) }),
      ev.locked(2, 'v-2', 'L-1', at(0)),
    ];
    expect(given(full, capped).when(display('v-3', 's-3', 'L-1'), at(1))[0].data).toEqual(
      expect.objectContaining({
        pool: 'overflow',
        number: FORWARD_TO,
        attribution: 'none',
        overflowReason: 'pool_max',
      }),
    );
    expect(given(full).when(display('v-3', 's-3', 'L-1'), at(1))[0].data).toEqual(
      expect.objectContaining({ pool: 'overflow', overflowReason: 'pool_empty' }),
    );
  });
});

describe('Sizing: the cool-down reserve and what the cap leaves wanting', () => {
  const policy = poolPolicy({
    ...specPolicy,
    poolFloor: 0,
    poolMax: 1000,
    cooldownMs: 30 * MIN,
    minSessionsObserved: 99,
  });
  // 12 visitors each shown one number in one 10-minute window, their sessions over 10 minutes later.
  const turnover = () =>
    Array.from({ length: 12 }, (_, i) => [
      ev.provisioned(i + 1),
      ev.displayed({ i: i + 1, visitor: `v-${i}`, session: `s-${i}`, listing: 'L-1', when: at(1) }),
    ]).flat();

  it('adds to the seed rule the hand-outs of the busiest cool-down period', () => {
    const sizing = poolSizing(given([ev.listing('L-1'), ...turnover()], policy).state, at(5), policy);
    expect(sizing).toEqual({ seed: 12 * 5 * 1.2, cooldownReserve: 12, desired: 84, target: 84, wanted: 0 });
  });

  it('caps the target at POOL_MAX less locked numbers and reports the rest as wanted', () => {
    const history = [ev.listing('L-1'), ...turnover(), ev.provisioned(99), ev.locked(99, 'v-x', 'L-1', at(2))];
    const roomy = poolPolicy({ ...policy, poolMax: 20 });
    expect(planReplenishment(given(history, roomy).state, at(5), roomy, 0)).toEqual(
      expect.objectContaining({ target: 19, wanted: 84 - 19, buy: 3 }),
    );
    const atCap = poolPolicy({ ...policy, poolMax: 13 });
    expect(planReplenishment(given(history, atCap).state, at(5), atCap, 0)).toEqual(
      expect.objectContaining({ target: 12, wanted: 84 - 12, buy: 0 }),
    );
  });

  it('wakes the replenisher on a reclaim, an overflow, or free numbers below the watermark', () => {
    const { state } = given([ev.listing('L-1'), ev.provisioned(1)], policy);
    const session = { assignmentStarted: true, pool: 'session' };
    expect(wakesReplenisher({ ...session, reclaimed: true }, state, at(1), policy)).toBe(true);
    expect(wakesReplenisher({ pool: 'overflow', assignmentStarted: false }, state, at(1), policy)).toBe(true);
    expect(wakesReplenisher({ pool: 'session', assignmentStarted: false }, state, at(1), policy)).toBe(false);
    const many = given([ev.listing('L-1'), ...Array.from({ length: 30 }, (_, i) => ev.provisioned(i))], policy);
    expect(wakesReplenisher(session, many.state, at(1), policy)).toBe(false);
  });

  it('buys beyond the reserve while numbers are being reclaimed', () => {
    const tight = poolPolicy({ ...policy, poolMax: 50, minFree: 0 });
    const scenario = given(
      [
        ev.listing('L-1'),
        ev.provisioned(1),
        ev.displayed({ i: 1, visitor: 'v-9', session: 's-9', listing: 'L-1', when: at(0) }),
        ev.expired('v-9', 's-9', at(0), [[1, 'L-1', at(40)]], at(10)),
      ],
      tight,
    );
    scenario.when(display('v-1', 's-1', 'L-1'), at(11));
    expect(scenario.state.traffic.reclaimsPerWindow.get(Math.floor(at(11) / (10 * MIN)))).toBe(1);
    // Pool 1 owns one number and it was just reclaimed: at least one more is wanted, whatever the reserve says.
    const noReserve = poolPolicy({ ...tight, cooldownMs: 1, safetyMargin: 0.01 });
    expect(poolSizing(scenario.state, at(12), noReserve).desired).toBe(2);
    expect(planReplenishment(scenario.state, at(12), noReserve, 0).buy).toBe(1);
  });
});
