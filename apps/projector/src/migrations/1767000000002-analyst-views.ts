import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The contract relations that combine topics. Views (not tables) because the
 * three topics interleave differently on every replay: a call may be projected
 * before its session, a page view before the display that opened the session.
 * Computing at read time makes the answer independent of that order.
 */
export class AnalystViews1767000000002 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of [visitorSessions, calls, listingPerformance, poolHealth]) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const view of ['pool_health', 'listing_performance', 'calls', 'visitor_sessions'])
      await runner.query(`DROP VIEW IF EXISTS ${view}`);
  }
}

/** A session reused after it expired is live again: expired_at shows only when nothing came after it. */
const visitorSessions = `
CREATE VIEW visitor_sessions AS
SELECT s.session_id, s.visitor_id, s.started_at, s.last_seen_at,
       CASE WHEN s.last_expired_at >= s.last_seen_at THEN s.last_expired_at END AS expired_at,
       s.source, s.search_term, s.referrer, s.landing_page, s.demographics,
       (SELECT count(*) FROM session_listings l WHERE l.session_id = s.session_id)::integer AS listings_viewed
FROM sessions s`;

/**
 * A call's context comes from its session; a Pool 2 call made in a later visit
 * may carry no session, and then the visitor's latest session begun before the
 * call speaks for it (context_session_id says which one was used).
 */
const calls = `
CREATE VIEW calls AS
SELECT c.call_sid, c.tracking_number, c.caller, c.started_at, c.status, c.duration_s, c.answered,
       c.listing_id, c.dealer_id, c.visitor_id, c.session_id, c.attribution, c.confidence,
       ctx.source, ctx.search_term, ctx.referrer, ctx.landing_page,
       ctx.demographics, ctx.session_id AS context_session_id,
       c.holder_state, c.routed_to, c.dial_status, c.dial_duration_s, c.completed_at
FROM call_records c
LEFT JOIN LATERAL (
  SELECT s.session_id, s.source, s.search_term, s.referrer, s.landing_page, s.demographics
  FROM sessions s
  WHERE (c.session_id IS NOT NULL AND s.session_id = c.session_id)
     OR (c.session_id IS NULL AND s.visitor_id = c.visitor_id AND s.started_at <= c.started_at)
  ORDER BY s.started_at DESC
  LIMIT 1
) ctx ON true
WHERE c.started_at IS NOT NULL`;

/** All time. A visitor "without call" saw the listing and never called it (visitor-attributed calls only). */
export const listingPerformance = `
CREATE VIEW listing_performance AS
WITH shown AS (
  SELECT listing_id, count(*) AS displays, count(DISTINCT visitor_id) AS unique_visitors, max(dealer_id) AS dealer_id
  FROM displays GROUP BY listing_id
), called AS (
  SELECT listing_id, count(*) AS calls, count(DISTINCT caller) AS unique_callers,
         count(*) FILTER (WHERE answered) AS answered_calls,
         round(avg(duration_s) FILTER (WHERE answered), 1) AS avg_duration_s,
         max(dealer_id) AS dealer_id
  FROM call_records WHERE listing_id IS NOT NULL AND started_at IS NOT NULL
  GROUP BY listing_id
), silent AS (
  SELECT d.listing_id, count(DISTINCT d.visitor_id) AS visitors_without_call
  FROM displays d
  WHERE NOT EXISTS (
    SELECT 1 FROM call_records c
    WHERE c.listing_id = d.listing_id AND c.visitor_id = d.visitor_id AND c.started_at IS NOT NULL)
  GROUP BY d.listing_id
), ids AS (
  SELECT listing_id FROM listings UNION SELECT listing_id FROM shown UNION SELECT listing_id FROM called
)
SELECT ids.listing_id,
       COALESCE(l.dealer_id, shown.dealer_id, called.dealer_id) AS dealer_id,
       COALESCE(shown.displays, 0)::integer AS displays,
       COALESCE(shown.unique_visitors, 0)::integer AS unique_visitors,
       COALESCE(called.calls, 0)::integer AS calls,
       COALESCE(called.unique_callers, 0)::integer AS unique_callers,
       COALESCE(called.answered_calls, 0)::integer AS answered_calls,
       called.avg_duration_s,
       COALESCE(silent.visitors_without_call, 0)::integer AS visitors_without_call,
       l.tier, l.sold_at
FROM ids
LEFT JOIN listings l ON l.listing_id = ids.listing_id
LEFT JOIN shown ON shown.listing_id = ids.listing_id
LEFT JOIN called ON called.listing_id = ids.listing_id
LEFT JOIN silent ON silent.listing_id = ids.listing_id`;

/**
 * 10-minute windows aligned to UTC, from the stored state intervals and
 * sessions, never from now(). Number counts are the states held at the end of
 * the window (for the newest window: after the newest event); a session counts
 * in every window between its first sighting and its expiry (or last sighting).
 * Each interval adds +1 in the window it starts and -1 where it stops counting;
 * a running sum over the windows gives the counts in one pass.
 */
export const poolHealth = `
CREATE VIEW pool_health AS
WITH state_changes AS (
  SELECT date_bin('10 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS window_start, state, 1 AS delta
  FROM number_state_intervals
  UNION ALL
  SELECT date_bin('10 minutes', ended_at, TIMESTAMPTZ '2000-01-01 00:00:00+00'), state, -1
  FROM number_state_intervals WHERE ended_at IS NOT NULL
), session_spans AS (
  SELECT date_bin('10 minutes', started_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS first_window,
         date_bin('10 minutes', GREATEST(last_seen_at, last_expired_at), TIMESTAMPTZ '2000-01-01 00:00:00+00') AS last_window
  FROM sessions
), session_changes AS (
  SELECT first_window AS window_start, 1 AS delta FROM session_spans
  UNION ALL
  SELECT last_window + interval '10 minutes', -1 FROM session_spans
), overflow AS (
  SELECT date_bin('10 minutes', displayed_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS window_start, count(*) AS n
  FROM displays WHERE pool = 'overflow' GROUP BY 1
), bounds AS (
  SELECT min(w) AS first_window, max(w) AS last_window FROM (
    SELECT window_start AS w FROM state_changes
    UNION ALL SELECT first_window FROM session_spans
    UNION ALL SELECT last_window FROM session_spans
    UNION ALL SELECT window_start FROM overflow) all_windows
), windows AS (
  SELECT generate_series(first_window, last_window, interval '10 minutes') AS window_start FROM bounds
), state_deltas AS (
  SELECT window_start,
         sum(delta) FILTER (WHERE state = 'displayed') AS displayed,
         sum(delta) FILTER (WHERE state = 'locked') AS locked,
         sum(delta) FILTER (WHERE state = 'available') AS available,
         sum(delta) FILTER (WHERE state = 'cooling') AS cooling
  FROM state_changes GROUP BY window_start
), session_deltas AS (
  SELECT window_start, sum(delta) AS sessions FROM session_changes GROUP BY window_start
), running AS (
  SELECT w.window_start,
         sum(COALESCE(sd.sessions, 0)) OVER upto AS concurrent_sessions,
         sum(COALESCE(d.displayed, 0)) OVER upto AS displayed,
         sum(COALESCE(d.locked, 0)) OVER upto AS locked,
         sum(COALESCE(d.available, 0)) OVER upto AS available,
         sum(COALESCE(d.cooling, 0)) OVER upto AS cooling,
         COALESCE(o.n, 0) AS overflow_displays
  FROM windows w
  LEFT JOIN state_deltas d ON d.window_start = w.window_start
  LEFT JOIN session_deltas sd ON sd.window_start = w.window_start
  LEFT JOIN overflow o ON o.window_start = w.window_start
  WINDOW upto AS (ORDER BY w.window_start ROWS UNBOUNDED PRECEDING)
)
SELECT window_start,
       concurrent_sessions::integer AS concurrent_sessions,
       displayed::integer AS displayed,
       locked::integer AS locked,
       available::integer AS available,
       overflow_displays::integer AS overflow_displays,
       CASE WHEN displayed + locked + available + cooling > 0
            THEN round((displayed + locked)::numeric / (displayed + locked + available + cooling), 4)
            ELSE 0 END AS utilisation,
       cooling::integer AS cooling,
       (displayed + locked + available + cooling)::integer AS owned
FROM running`;
