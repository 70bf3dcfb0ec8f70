import { Client } from 'pg';
import { BUSIEST_WINDOWS_SQL } from '../report/projection';

export interface WindowLoad {
  windowStart: string;
  visitors: number;
  concurrentSessions: number;
  poolOne: number;
  locked: number;
  overflowDisplays: number;
}

export interface CapacityPlan {
  history: { from: string | null; to: string | null; sessions: number };
  busiestWindows: WindowLoad[];
  peakVisitors: number;
  peakConcurrentSessions: number;
  listingsPerSession: { mean: number; p90: number };
  recommendedPoolOne: { byRule: number; byObserved: number };
  reached: { peakOwned: number; peakPoolOne: number; peakLocked: number };
  overflow: { displays: number; windows: number; shareOfDisplays: number };
}

/**
 * The capacity plan from the projected history: the DESIGN.md rule (distinct
 * visitors in the busiest UTC-aligned 10-minute window × listings per
 * session) beside what the pool actually did. Reads only the analyst relations.
 */
export async function capacityPlan(db: Client, { top = 5, ruleListingsPerSession = 5 } = {}): Promise<CapacityPlan> {
  const span = await db.query(`SELECT min(started_at) AS from, max(last_seen_at) AS to, count(*)::integer AS sessions,
      COALESCE(avg(listings_viewed), 0)::float AS mean,
      COALESCE(percentile_cont(0.9) WITHIN GROUP (ORDER BY listings_viewed), 0)::float AS p90
    FROM visitor_sessions`);
  const windows = await db.query(
    `WITH busiest AS (${BUSIEST_WINDOWS_SQL})
     SELECT b.window_start, b.visitors, COALESCE(h.concurrent_sessions, 0) AS concurrent_sessions,
            COALESCE(h.displayed + h.available + h.cooling, 0) AS pool_one, COALESCE(h.locked, 0) AS locked,
            COALESCE(h.overflow_displays, 0) AS overflow_displays
     FROM busiest b LEFT JOIN pool_health h ON h.window_start = b.window_start
     ORDER BY b.visitors DESC, b.window_start`,
    [top],
  );
  const pool =
    await db.query(`SELECT COALESCE(max(owned), 0)::integer AS owned, COALESCE(max(displayed + available + cooling), 0)::integer AS pool_one,
      COALESCE(max(locked), 0)::integer AS locked, COALESCE(max(concurrent_sessions), 0)::integer AS concurrent,
      COALESCE(sum(overflow_displays), 0)::integer AS overflow, count(*) FILTER (WHERE overflow_displays > 0)::integer AS overflow_windows
    FROM pool_health`);
  const displays = await db.query(`SELECT COALESCE(sum(displays), 0)::integer AS n FROM listing_performance`);
  const s = span.rows[0];
  const p = pool.rows[0];
  const busiest: WindowLoad[] = windows.rows.map((w) => ({
    windowStart: (w.window_start as Date).toISOString(),
    visitors: Number(w.visitors),
    concurrentSessions: Number(w.concurrent_sessions),
    poolOne: Number(w.pool_one),
    locked: Number(w.locked),
    overflowDisplays: Number(w.overflow_displays),
  }));
  const peakVisitors = busiest[0]?.visitors ?? 0;
  const mean = round(s.mean);
  return {
    history: {
      from: s.from ? (s.from as Date).toISOString() : null,
      to: s.to ? (s.to as Date).toISOString() : null,
      sessions: s.sessions,
    },
    busiestWindows: busiest,
    peakVisitors,
    peakConcurrentSessions: p.concurrent,
    listingsPerSession: { mean, p90: round(s.p90) },
    recommendedPoolOne: {
      byRule: Math.ceil(peakVisitors * ruleListingsPerSession),
      byObserved: Math.ceil(peakVisitors * mean),
    },
    reached: { peakOwned: p.owned, peakPoolOne: p.pool_one, peakLocked: p.locked },
    overflow: {
      displays: p.overflow,
      windows: p.overflow_windows,
      shareOfDisplays: displays.rows[0].n ? round(p.overflow / displays.rows[0].n, 4) : 0,
    },
  };
}

export function formatPlan(plan: CapacityPlan): string {
  const lines = [
    `capacity plan from ${plan.history.from ?? '—'} to ${plan.history.to ?? '—'} (${plan.history.sessions} sessions)`,
    '',
    'busiest 10-minute windows (UTC)   visitors  concurrent sessions  Pool 1 owned  locked  overflow displays',
    ...plan.busiestWindows.map(
      (w) =>
        `  ${w.windowStart}   ${String(w.visitors).padStart(8)}  ${String(w.concurrentSessions).padStart(19)}  ${String(w.poolOne).padStart(12)}  ${String(w.locked).padStart(6)}  ${String(w.overflowDisplays).padStart(17)}`,
    ),
    '',
    `listings per session: mean ${plan.listingsPerSession.mean}, 90th percentile ${plan.listingsPerSession.p90}`,
    `peak concurrent sessions: ${plan.peakConcurrentSessions}`,
    `recommended Pool 1: ${plan.recommendedPoolOne.byRule} numbers (DESIGN.md rule: ${plan.peakVisitors} visitors × 5); ${plan.recommendedPoolOne.byObserved} with the observed ${plan.listingsPerSession.mean} listings per session`,
    `the pool reached: ${plan.reached.peakPoolOne} Pool 1 numbers at peak (${plan.reached.peakOwned} owned, ${plan.reached.peakLocked} locked in Pool 2)`,
    `overflow suffered: ${plan.overflow.displays} displays (${(plan.overflow.shareOfDisplays * 100).toFixed(2)}% of displays) in ${plan.overflow.windows} windows`,
  ];
  return lines.join('\n');
}

function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
