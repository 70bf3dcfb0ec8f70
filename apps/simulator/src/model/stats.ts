import { Action, CallTiming, Traffic } from './actions';
import { noCalls } from './traffic';

export const WINDOW_MS = 10 * 60_000;

export interface WindowCount {
  windowStart: number;
  visitors: number;
}

/** Distinct visitors active (a display or page view) in each 10-minute window aligned to UTC, busiest first. */
export function busiestWindows(actions: readonly Action[], top = 5): WindowCount[] {
  const perWindow = new Map<number, Set<string>>();
  for (const action of actions) {
    if (action.kind !== 'display' && action.kind !== 'page-view') continue;
    const window = Math.floor(action.at / WINDOW_MS) * WINDOW_MS;
    let visitors = perWindow.get(window);
    if (!visitors) perWindow.set(window, (visitors = new Set()));
    visitors.add(action.visitorId);
  }
  return [...perWindow.entries()]
    .map(([windowStart, visitors]) => ({ windowStart, visitors: visitors.size }))
    .sort((a, b) => b.visitors - a.visitors || a.windowStart - b.windowStart)
    .slice(0, top);
}

export interface TrafficSummary {
  visitors: number;
  sessions: number;
  returningSessions: number;
  displays: number;
  pageViews: number;
  calls: number;
  callsAfterEnd: number;
  callsAfterEndByTiming: Record<CallTiming, number>;
  callsByTiming: Record<CallTiming, number>;
  sales: number;
  meanSessionMinutes: number;
  listingsPerSession: number;
  busiestWindow: WindowCount | null;
}

export function summarise(traffic: Traffic): TrafficSummary {
  const count = (kind: Action['kind']) => traffic.actions.filter((a) => a.kind === kind).length;
  const callsByTiming = noCalls();
  for (const action of traffic.actions) if (action.kind === 'call') callsByTiming[action.timing]++;
  const sessions = traffic.sessions;
  const mean = (values: number[]) => (values.length === 0 ? 0 : values.reduce((s, v) => s + v, 0) / values.length);
  return {
    visitors: traffic.visitors,
    sessions: sessions.length,
    returningSessions: sessions.filter((s) => s.returning).length,
    displays: count('display'),
    pageViews: count('page-view'),
    calls: count('call'),
    callsAfterEnd: Object.values(traffic.callsAfterEnd).reduce((s, n) => s + n, 0),
    callsAfterEndByTiming: traffic.callsAfterEnd,
    callsByTiming,
    sales: count('sale'),
    meanSessionMinutes: round(mean(sessions.map((s) => (s.lastActivityAt - s.startedAt) / 60_000)), 2),
    listingsPerSession: round(mean(sessions.map((s) => s.listingsViewed)), 2),
    busiestWindow: busiestWindows(traffic.actions, 1)[0] ?? null,
  };
}

export function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
