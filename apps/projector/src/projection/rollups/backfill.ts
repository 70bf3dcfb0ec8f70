/** Anything that runs SQL: a pg client or pool, or a typeorm QueryRunner (the migration). */
type Runs = { query(sql: string): Promise<unknown> };

const bin = (column: string) => `date_bin('10 minutes', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
const day = (column: string) => `(${column} AT TIME ZONE 'UTC')::date`;

/**
 * The rollups computed from the raw tables in one pass each (in key order: a
 * sorted insert appends to the index instead of touching it at random): the definition the
 * incremental maintenance (rollup-batch.ts) must agree with. Used to fill them
 * for a database projected before they existed (the migration), by the
 * benchmark after generating raw rows, and by the tests as the reference.
 */
export async function recomputeRollups(db: Runs): Promise<void> {
  await db.query('TRUNCATE listing_visitors, listing_totals, listing_daily, pool_windows');
  for (const statement of [listingVisitors, listingTotals, listingDaily, poolWindows, DENSE_WINDOWS])
    await db.query(statement);
}

const listingVisitors = `
INSERT INTO listing_visitors (listing_id, visitor_id)
SELECT DISTINCT listing_id, visitor_id FROM displays ORDER BY 1, 2`;

const listingTotals = `
INSERT INTO listing_totals (listing_id, registered, registered_dealer_id, display_dealer_id, displays, unique_visitors,
  call_dealer_id, calls, unique_callers, answered_calls, avg_duration_s, called_visitors)
WITH shown AS (
  SELECT listing_id, max(dealer_id) AS dealer_id, count(*) AS displays FROM displays GROUP BY listing_id
), visitors AS (
  SELECT listing_id, count(*) AS unique_visitors FROM listing_visitors GROUP BY listing_id
), called AS (
  SELECT listing_id, max(dealer_id) AS dealer_id, count(*) AS calls, count(DISTINCT caller) AS unique_callers,
         count(*) FILTER (WHERE answered) AS answered_calls,
         round(avg(duration_s) FILTER (WHERE answered), 1) AS avg_duration_s,
         count(DISTINCT visitor_id) FILTER (WHERE EXISTS (
           SELECT 1 FROM listing_visitors v WHERE v.listing_id = c.listing_id AND v.visitor_id = c.visitor_id)) AS called_visitors
  FROM call_records c WHERE listing_id IS NOT NULL AND started_at IS NOT NULL GROUP BY listing_id
), ids AS (
  SELECT listing_id FROM listings UNION SELECT listing_id FROM shown UNION SELECT listing_id FROM called
)
SELECT ids.listing_id, l.listing_id IS NOT NULL, l.dealer_id, shown.dealer_id, COALESCE(shown.displays, 0),
       COALESCE(visitors.unique_visitors, 0), called.dealer_id, COALESCE(called.calls, 0),
       COALESCE(called.unique_callers, 0), COALESCE(called.answered_calls, 0), called.avg_duration_s,
       COALESCE(called.called_visitors, 0)
FROM ids
LEFT JOIN listings l ON l.listing_id = ids.listing_id
LEFT JOIN shown ON shown.listing_id = ids.listing_id
LEFT JOIN visitors ON visitors.listing_id = ids.listing_id
LEFT JOIN called ON called.listing_id = ids.listing_id`;

const listingDaily = `
INSERT INTO listing_daily (listing_id, day, displays, overflow_displays, calls, answered_calls, answered_duration_s)
SELECT listing_id, day, sum(displays), sum(overflow_displays), sum(calls), sum(answered_calls), sum(answered_duration_s)
FROM (
  SELECT listing_id, ${day('displayed_at')} AS day, count(*) AS displays,
         count(*) FILTER (WHERE pool = 'overflow') AS overflow_displays,
         0 AS calls, 0 AS answered_calls, 0 AS answered_duration_s
  FROM displays GROUP BY 1, 2
  UNION ALL
  SELECT listing_id, ${day('started_at')}, 0, 0, count(*), count(*) FILTER (WHERE answered),
         COALESCE(sum(duration_s) FILTER (WHERE answered), 0)
  FROM call_records WHERE listing_id IS NOT NULL AND started_at IS NOT NULL GROUP BY 1, 2
) parts
GROUP BY listing_id, day
ORDER BY listing_id, day`;

/** Deltas per window: see the pool_health view (migration 1767000000020) for how they add up. */
const poolWindows = `
INSERT INTO pool_windows (window_start, anchors, displayed, locked, available, cooling, sessions, overflow_displays)
SELECT w, sum(anchors), sum(displayed), sum(locked), sum(available), sum(cooling), sum(sessions), sum(overflow)
FROM (
  SELECT ${bin('started_at')} AS w, 1 AS anchors, (state = 'displayed')::int AS displayed, (state = 'locked')::int AS locked,
         (state = 'available')::int AS available, (state = 'cooling')::int AS cooling, 0 AS sessions, 0 AS overflow
  FROM number_state_intervals
  UNION ALL
  SELECT ${bin('ended_at')}, 1, -(state = 'displayed')::int, -(state = 'locked')::int, -(state = 'available')::int,
         -(state = 'cooling')::int, 0, 0
  FROM number_state_intervals WHERE ended_at IS NOT NULL
  UNION ALL
  SELECT ${bin('started_at')}, 1, 0, 0, 0, 0, 1, 0 FROM sessions
  UNION ALL
  SELECT ${bin('GREATEST(last_seen_at, last_expired_at)')}, 1, 0, 0, 0, 0, 0, 0 FROM sessions
  UNION ALL
  SELECT ${bin('GREATEST(last_seen_at, last_expired_at)')} + interval '10 minutes', 0, 0, 0, 0, 0, -1, 0 FROM sessions
  UNION ALL
  SELECT ${bin('displayed_at')}, 1, 0, 0, 0, 0, 0, 1 FROM displays WHERE pool = 'overflow'
) deltas
GROUP BY w`;

/**
 * pool_windows holds every window from its first to its last, zeros included,
 * so pool_health reads it in key order with no gaps to fill (no join, no sort).
 */
export const DENSE_WINDOWS = `
INSERT INTO pool_windows (window_start)
SELECT generate_series(min(window_start), max(window_start), interval '10 minutes') FROM pool_windows
HAVING count(*) > 0
ON CONFLICT (window_start) DO NOTHING`;
