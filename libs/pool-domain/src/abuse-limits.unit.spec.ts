import { DisplayNumber, PoolCommand, RecordPageView } from './commands';
import { poolPolicy } from './policy';
import { poolSizing, wakesReplenisher } from './sizing';
import { at, display, ev, FORWARD_TO, given, specPolicy } from './spec/kit';

/** Abuse limits: beyond them a display is an overflow answer that takes no number and is not counted for sizing. */
describe('abuse limits', () => {
  const policy = poolPolicy({ ...specPolicy, poolMax: 50, maxListingsPerSession: 2, maxSessionsPerVisitor: 2 });
  const pool = () => [
    ev.listing('L-1'),
    ev.listing('L-2'),
    ev.listing('L-3'),
    ...[1, 2, 3, 4, 5, 6].map((i) => ev.provisioned(i)),
  ];
  const shown = (events: { data: unknown }[]) => events[events.length - 1].data as Record<string, unknown>;
  const fromAddressOverItsLimit = (command: PoolCommand): PoolCommand => ({
    ...(command as DisplayNumber | RecordPageView),
    mayOpenSession: false,
  });

  it('caps the distinct listings one session holds numbers for; listings it holds keep their numbers', () => {
    const scenario = given(pool(), policy);
    scenario.when(display('v-1', 's-1', 'L-1'), at(1));
    scenario.when(display('v-1', 's-1', 'L-2'), at(1));
    const third = shown(scenario.when(display('v-1', 's-1', 'L-3'), at(2)));
    expect(third).toEqual(
      expect.objectContaining({ pool: 'overflow', overflowReason: 'listings_per_session', number: FORWARD_TO }),
    );
    expect(shown(scenario.when(display('v-1', 's-1', 'L-1'), at(3)))).toEqual(
      expect.objectContaining({ pool: 'session' }),
    );
    expect(scenario.state.counts).toEqual(expect.objectContaining({ displayed: 2, available: 4 }));
    expect(scenario.state.sessions.get('s-1')?.wanted.size).toBe(2);
  });

  it('caps the live sessions of one visitor; an expired session makes room again', () => {
    const scenario = given(pool(), policy);
    scenario.when(display('v-1', 's-1', 'L-1'), at(1));
    scenario.when(display('v-1', 's-2', 'L-1'), at(1));
    const third = scenario.when(display('v-1', 's-3', 'L-1'), at(2));
    expect(shown(third)).toEqual(
      expect.objectContaining({ pool: 'overflow', overflowReason: 'sessions_per_visitor', sessionStarted: false }),
    );
    expect(scenario.state.sessions.has('s-3')).toBe(false);
    expect(scenario.state.counts.displayed).toBe(2);
    scenario.when({ type: 'ExpireDue' }, at(30));
    expect(scenario.state.sessionsPerVisitor.has('v-1')).toBe(false);
    expect(shown(scenario.when(display('v-1', 's-3', 'L-1'), at(31)))).toEqual(
      expect.objectContaining({ pool: 'session' }),
    );
  });

  it('refuses a new session to an address over its limit, but not a session it already has', () => {
    const scenario = given(pool(), policy);
    scenario.when(display('v-1', 's-1', 'L-1'), at(1));
    expect(shown(scenario.when(fromAddressOverItsLimit(display('v-1', 's-1', 'L-2')), at(2)))).toEqual(
      expect.objectContaining({ pool: 'session' }),
    );
    expect(shown(scenario.when(fromAddressOverItsLimit(display('v-bot', 's-bot', 'L-1')), at(2)))).toEqual(
      expect.objectContaining({ pool: 'overflow', overflowReason: 'sessions_per_address' }),
    );
    const [view] = scenario.when(
      fromAddressOverItsLimit({
        type: 'RecordPageView',
        visitorId: 'v-b2',
        sessionId: 's-b2',
        url: '/',
        action: 'view',
      }),
      at(2),
    );
    expect(view.data).toEqual(expect.objectContaining({ sessionRefused: 'sessions_per_address' }));
    expect([...scenario.state.sessions.keys()]).toEqual(['s-1']);
  });

  it('a storm of refused sessions moves neither the sizing nor the replenisher', () => {
    const scenario = given(pool(), policy);
    scenario.when(display('v-greedy', 's-greedy', 'L-1'), at(1));
    scenario.when(display('v-greedy', 's-greedy', 'L-2'), at(1));
    const before = poolSizing(scenario.state, at(5), policy);
    for (let i = 0; i < 500; i++) {
      const answer = shown(scenario.when(fromAddressOverItsLimit(display(`v-${i}`, `s-${i}`, 'L-1')), at(5)));
      expect(wakesReplenisher(answer as never, scenario.state, at(5), policy)).toBe(false);
      const greedy = shown(scenario.when(display('v-greedy', 's-greedy', 'L-3'), at(5)));
      expect(wakesReplenisher(greedy as never, scenario.state, at(5), policy)).toBe(false);
    }
    expect(poolSizing(scenario.state, at(5), policy)).toEqual(before);
    expect([...scenario.state.traffic.sessionsPerWindow.values()]).toEqual([1]);
    expect(scenario.state.counts).toEqual(expect.objectContaining({ available: 4, displayed: 2 }));
    scenario.when({ type: 'ExpireDue' }, at(30));
    expect(scenario.state.traffic).toEqual(expect.objectContaining({ sessionsObserved: 1, listingsObserved: 2 }));
  });
});
