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
 * A step plays its calls before its clicks, so a call about a listing shown
 * earlier within the same step moves to the next one (the caller dials the
 * number that display put on screen).
 */
export function* steps(
  actions: readonly Action[],
  startMs: number,
  endMs: number,
  stepMs: number,
  maxGapMs: number,
): Generator<Step> {
  let i = 0;
  let last = startMs;
  const shown = new Set<string>();
  let deferred: CallAction[] = [];
  for (let at = startMs; at < endMs; at += stepMs) {
    const until = at + stepMs;
    if (deferred.length === 0 && (i >= actions.length || actions[i].at >= until)) {
      if (at - last < maxGapMs) continue;
    }
    const step: Step = { at, calls: deferred, visits: [], sales: [] };
    deferred = [];
    const calls: CallAction[] = [];
    const shownNow = new Map<string, number>();
    const bySession = new Map<string, Array<DisplayAction | PageViewAction>>();
    for (; i < actions.length && actions[i].at < until; i++) {
      const action = actions[i];
      if (action.kind === 'call') calls.push(action);
      else if (action.kind === 'sale') step.sales.push(action);
      else {
        let visit = bySession.get(action.sessionId);
        if (!visit) bySession.set(action.sessionId, (visit = []));
        visit.push(action);
        const key = `${action.visitorId}|${action.listingId}`;
        if (action.kind === 'display' && !shownNow.has(key)) shownNow.set(key, action.at);
      }
    }
    for (const call of calls) {
      const key = `${call.visitorId}|${call.listingId}`;
      const displayedNow = shownNow.get(key);
      (!shown.has(key) || (displayedNow !== undefined && displayedNow <= call.at) ? deferred : step.calls).push(call);
    }
    for (const key of shownNow.keys()) shown.add(key);
    step.visits = [...bySession.values()];
    last = at;
    yield step;
  }
}
