import { MigrationInterface, QueryRunner } from 'typeorm';
import { recomputeRollups } from '../projection/rollups/backfill';

/**
 * Rollups the projector maintains in the same transaction as the raw rows
 * (projection/rollups), so `listing_performance` and `pool_health` read a
 * row per listing or per 10-minute window instead of all history. The views
 * keep their columns and meaning (CREATE OR REPLACE also keeps their grants).
 * A database projected before this migration gets its rollups computed once here.
 */
export class Rollups1767000000020 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of [...tables, dealerDaily, listingPerformance, poolHealth]) await runner.query(statement);
    await recomputeRollups(runner);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP VIEW IF EXISTS dealer_daily');
    for (const table of ['pool_windows', 'listing_daily', 'listing_totals', 'listing_visitors'])
      await runner.query(`DROP TABLE IF EXISTS ${table} CASCADE`);
  }
}

const tables = [
  `CREATE TABLE listing_visitors (listing_id text NOT NULL, visitor_id text NOT NULL, PRIMARY KEY (listing_id, visitor_id))`,
  // Display columns grow with inserted displays; call columns are recomputed for the listings a batch touched.
  `CREATE TABLE listing_totals (
     listing_id text PRIMARY KEY,
     registered boolean NOT NULL DEFAULT false,
     registered_dealer_id text, display_dealer_id text, call_dealer_id text,
     dealer_id text GENERATED ALWAYS AS (COALESCE(registered_dealer_id, display_dealer_id, call_dealer_id)) STORED,
     displays bigint NOT NULL DEFAULT 0, unique_visitors bigint NOT NULL DEFAULT 0,
     calls bigint NOT NULL DEFAULT 0, unique_callers bigint NOT NULL DEFAULT 0, answered_calls bigint NOT NULL DEFAULT 0,
     avg_duration_s numeric, called_visitors bigint NOT NULL DEFAULT 0)`,
  `CREATE INDEX listing_totals_dealer ON listing_totals (dealer_id, listing_id)`,
  `CREATE TABLE listing_daily (
     listing_id text NOT NULL, day date NOT NULL,
     displays bigint NOT NULL DEFAULT 0, overflow_displays bigint NOT NULL DEFAULT 0,
     calls bigint NOT NULL DEFAULT 0, answered_calls bigint NOT NULL DEFAULT 0, answered_duration_s bigint NOT NULL DEFAULT 0,
     PRIMARY KEY (listing_id, day))`,
  `CREATE INDEX listing_daily_day ON listing_daily (day, listing_id)`,
  // Per window: how much each count changes there (running sums give pool_health); anchors > 0 marks windows with events.
  `CREATE TABLE pool_windows (
     window_start timestamptz PRIMARY KEY,
     anchors bigint NOT NULL DEFAULT 0, displayed bigint NOT NULL DEFAULT 0, locked bigint NOT NULL DEFAULT 0,
     available bigint NOT NULL DEFAULT 0, cooling bigint NOT NULL DEFAULT 0, sessions bigint NOT NULL DEFAULT 0,
     overflow_displays bigint NOT NULL DEFAULT 0)`,
  // The analysts' usual filters: a dealer's calls over time.
  `CREATE INDEX call_records_dealer ON call_records (dealer_id, started_at)`,
];

/** A dealer's listings per UTC day; the dealer is the listing's current one (as in listing_performance). */
const dealerDaily = `
CREATE VIEW dealer_daily AS
SELECT t.dealer_id, d.day, count(*)::integer AS listings,
       sum(d.displays)::bigint AS displays, sum(d.overflow_displays)::bigint AS overflow_displays,
       sum(d.calls)::bigint AS calls, sum(d.answered_calls)::bigint AS answered_calls,
       sum(d.answered_duration_s)::bigint AS answered_duration_s
FROM listing_daily d JOIN listing_totals t ON t.listing_id = d.listing_id
GROUP BY t.dealer_id, d.day`;

const listingPerformance = `
CREATE OR REPLACE VIEW listing_performance AS
SELECT t.listing_id, t.dealer_id,
       t.displays::integer AS displays, t.unique_visitors::integer AS unique_visitors,
       t.calls::integer AS calls, t.unique_callers::integer AS unique_callers,
       t.answered_calls::integer AS answered_calls, t.avg_duration_s,
       (t.unique_visitors - t.called_visitors)::integer AS visitors_without_call,
       l.tier, l.sold_at
FROM listing_totals t
LEFT JOIN listings l ON l.listing_id = t.listing_id
WHERE t.registered OR t.displays > 0 OR t.calls > 0`;

/** Same columns and meaning as before (migration 1767000000002), from one row of deltas per window. */
/**
 * pool_windows is dense (a row per window, zeros included) and starts at the
 * first window with an event, so the running sums are one ordered index scan;
 * windows after the last one with an event (a session's end shows one window
 * later) are cut off, as before. Deltas are summed as integers (bigint sums
 * would be numeric, several times slower per row).
 */
export const poolHealth = `
CREATE OR REPLACE VIEW pool_health AS
WITH running AS (
  SELECT p.window_start,
         sum(p.sessions::integer) OVER upto AS concurrent_sessions,
         sum(p.displayed::integer) OVER upto AS displayed,
         sum(p.locked::integer) OVER upto AS locked,
         sum(p.available::integer) OVER upto AS available,
         sum(p.cooling::integer) OVER upto AS cooling,
         p.overflow_displays
  FROM pool_windows p
  WHERE p.window_start <= (SELECT max(window_start) FROM pool_windows WHERE anchors > 0)
  WINDOW upto AS (ORDER BY p.window_start ROWS UNBOUNDED PRECEDING)
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
