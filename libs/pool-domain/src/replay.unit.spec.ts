import { PoolCommand, RecordCall } from './commands';
import { PoolEvent } from './events';
import { PoolRuleError } from './errors';
import { evolve } from './evolve';
import { poolPolicy } from './policy';
import { createPoolState, poolCounts, PoolState } from './state';
import { at, call, display, ev, given, MIN } from './spec/kit';

/** What a restarted allocator must get back from the log: the same pool, holdings, locks and sessions. */
function snapshot(state: PoolState) {
  return {
    counts: poolCounts(state),
    numbers: [...state.numbers.values()].map((n) => [
      n.number,
      n.state,
      n.holder,
      n.lastHolder,
      n.coolingUntil,
      n.lockedUntil,
    ]),
    sessions: [...state.sessions.values()].map((s) => [s.sessionId, s.expiresAt, [...s.holdings]]),
    locks: [...state.locks],
    free: [state.freeFresh.head?.number, state.freeByAge.head?.number],
  };
}

describe('replay', () => {
  it('folds the decided events into exactly the state that decided them', () => {
    const policy = poolPolicy({ poolFloor: 1, poolMax: 50, sessionIdleMs: 10 * MIN, cooldownMs: 5 * MIN });
    const setup: PoolEvent[] = [
      ev.listing('L-0'),
      ev.listing('L-1'),
      ev.listing('L-2', 'standard'),
      ...Array.from({ length: 8 }, (_, i) => ev.provisioned(i + 1)),
    ];
    const live = given(setup, policy);
    const log: PoolEvent[] = [...setup];
    const run = (command: PoolCommand, now: number) => {
      try {
        log.push(...live.when(command, now));
      } catch (error) {
        if (!(error instanceof PoolRuleError)) throw error;
      }
    };
    for (let minute = 1; minute <= 90; minute++) {
      const visitor = `v-${minute % 7}`;
      run(display(visitor, `s-${minute % 7}-${Math.floor(minute / 25)}`, `L-${minute % 3}`), at(minute));
      const shown = log[log.length - 1];
      if (minute % 4 === 0 && shown.type === 'NumberDisplayed' && shown.data.pool === 'session') {
        const command = call(1, visitor, shown.data.listingId, at(minute)) as RecordCall;
        run({ ...command, call: { ...command.call, trackingNumber: shown.data.number } }, at(minute));
      }
      if (minute === 60) run({ type: 'SellListing', listingId: 'L-1' }, at(minute));
      run({ type: 'ExpireDue' }, at(minute));
    }
    const rebuilt = createPoolState(policy);
    for (const event of log) evolve(rebuilt, event);
    expect(snapshot(rebuilt)).toEqual(snapshot(live.state));
    expect(log.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'SessionExpired',
        'NumberCooledDown',
        'ListingSold',
        'NumberLocked',
        'NumberUnlocked',
        'ListingNumberAssigned',
      ]),
    );
  });
});
