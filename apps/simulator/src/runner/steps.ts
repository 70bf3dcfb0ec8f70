import { Action, CallAction, DisplayAction, PageViewAction, SaleAction } from '../model';

/** The actions that share one move of the clocks. */
export interface Step {
  at: number;
  calls: CallAction[];
  /** Per session, its displays and page views in order (a visitor's clicks are sequential). */
  visits: Array<Array<DisplayAction | PageViewAction>>;
  sales: SaleAction[];
}

/**
 * Cuts the stream into steps of `stepMs` of simulated time; each step runs at
 * its start instant. Quiet stretches are skipped, but the clocks still move at
 * least every `maxGapMs` so expiries and the pool's sizing follow the day.
 */
export function* steps(actions: readonly Action[], startMs: number, endMs: number, stepMs: number, maxGapMs: number): Generator<Step> {
  let i = 0;
  let last = startMs;
  for (let at = startMs; at < endMs; at += stepMs) {
    const until = at + stepMs;
    if (i >= actions.length || actions[i].at >= until) {
      if (at - last < maxGapMs) continue;
    }
    const step: Step = { at, calls: [], visits: [], sales: [] };
    const bySession = new Map<string, Array<DisplayAction | PageViewAction>>();
    for (; i < actions.length && actions[i].at < until; i++) {
      const action = actions[i];
      if (action.kind === 'call') step.calls.push(action);
      else if (action.kind === 'sale') step.sales.push(action);
      else {
        let visit = bySession.get(action.sessionId);
        if (!visit) bySession.set(action.sessionId, (visit = []));
        visit.push(action);
      }
    }
    step.visits = [...bySession.values()];
    last = at;
    yield step;
  }
}
