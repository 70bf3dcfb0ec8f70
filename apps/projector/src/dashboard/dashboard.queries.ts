import { Pool } from 'pg';
import { Period } from './period';

/** The calls columns of the contract, and v3's settlement columns once the calls relation has them. */
const CALL_COLUMNS = [
  'call_sid',
  'tracking_number',
  'caller',
  'started_at',
  'status',
  'duration_s',
  'answered',
  'listing_id',
  'dealer_id',
  'visitor_id',
  'session_id',
  'attribution',
  'confidence',
  'source',
  'search_term',
  'referrer',
  'landing_page',
];
const SETTLEMENT_COLUMNS = ['resolved_by', 'candidates'];
export const LISTING_PERFORMANCE_COLUMNS = [
  'listing_id',
  'dealer_id',
  'displays',
  'unique_visitors',
  'calls',
  'unique_callers',
  'answered_calls',
  'avg_duration_s',
  'visitors_without_call',
];

/**
 * Everything the dashboard shows, read as callpool_analyst through the
 * contract's relations only (the pool connects as that role), so the
 * dashboard can show nothing an analyst could not query.
 */
export class DashboardQueries {
  constructor(private readonly db: Pool) {}

  async newestDataAt(): Promise<Date | null> {
    const { rows } = await this.db.query(
      `SELECT GREATEST((SELECT max(window_start) + interval '10 minutes' FROM pool_health), (SELECT max(started_at) FROM calls)) AS at`,
    );
    return rows[0].at;
  }

  /** resolved_by and candidates come with the lead's migration 0006; until then the panel says so. */
  async settlementColumns(): Promise<string[]> {
    const { rows } = await this.db.query(
      `SELECT column_name FROM information_schema.columns WHERE table_name = 'calls' AND column_name = ANY($1)
       AND table_schema = ANY(current_schemas(false))`,
      [SETTLEMENT_COLUMNS],
    );
    return SETTLEMENT_COLUMNS.filter((c) => rows.some((row) => row.column_name === c));
  }

  async poolOverTime(period: Period) {
    const { rows } = await this.db.query(
      `SELECT window_start AS t, available, displayed, locked, cooling, concurrent_sessions AS sessions, overflow_displays AS overflow
       FROM pool_health WHERE window_start >= $1 AND window_start < $2 ORDER BY window_start`,
      [period.from, period.to],
    );
    return rows;
  }

  /** Calls per hour by one grouping expression over the calls relation. */
  async callsPerHour(period: Period, by: string) {
    const { rows } = await this.db.query(
      `SELECT date_trunc('hour', started_at) AS hour, ${by} AS key, count(*)::int AS calls
       FROM calls WHERE started_at >= $1 AND started_at < $2 GROUP BY 1, 2 ORDER BY 1, 2`,
      [period.from, period.to],
    );
    return rows;
  }

  async topListings(period: Period) {
    const { rows } = await this.db.query(
      `SELECT d.listing_id, p.dealer_id, sum(d.calls)::int AS calls, sum(d.answered_calls)::int AS answered_calls,
              sum(d.displays)::int AS displays
       FROM listing_daily d LEFT JOIN listing_performance p ON p.listing_id = d.listing_id
       WHERE d.day BETWEEN ($1::timestamptz AT TIME ZONE 'UTC')::date AND ($2::timestamptz AT TIME ZONE 'UTC')::date
       GROUP BY 1, 2 ORDER BY calls DESC, displays DESC, listing_id LIMIT 10`,
      [period.from, period.to],
    );
    return rows;
  }

  async topDealers(period: Period) {
    const { rows } = await this.db.query(
      `SELECT dealer_id, sum(calls)::int AS calls, sum(answered_calls)::int AS answered_calls, sum(displays)::int AS displays
       FROM dealer_daily
       WHERE day BETWEEN ($1::timestamptz AT TIME ZONE 'UTC')::date AND ($2::timestamptz AT TIME ZONE 'UTC')::date
       GROUP BY 1 ORDER BY calls DESC, displays DESC, dealer_id LIMIT 10`,
      [period.from, period.to],
    );
    return rows;
  }

  async deliveries() {
    const summary = await this.db.query(
      `SELECT count(*) FILTER (WHERE delivered_at IS NULL AND gave_up_at IS NULL AND attempts = 0)::int AS pending,
              count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS delivered,
              count(*) FILTER (WHERE delivered_at IS NULL AND gave_up_at IS NULL AND attempts > 0)::int AS failing,
              count(*) FILTER (WHERE gave_up_at IS NOT NULL)::int AS gave_up
       FROM webhook_deliveries`,
    );
    const failing = await this.db.query(
      `SELECT call_sid, dealer_id, url, attempts, last_status, last_error, next_attempt_at FROM webhook_deliveries
       WHERE delivered_at IS NULL AND attempts > 0 ORDER BY next_attempt_at NULLS LAST LIMIT 10`,
    );
    return { ...summary.rows[0], failures: failing.rows };
  }

  async recentCalls(limit = 20) {
    const columns = [...CALL_COLUMNS, ...(await this.settlementColumns())].filter((c) => c !== 'caller');
    const { rows } = await this.db.query(`SELECT ${columns.join(', ')} FROM calls ORDER BY started_at DESC LIMIT $1`, [
      limit,
    ]);
    return rows;
  }

  async callsForExport(period: Period) {
    const columns = [...CALL_COLUMNS, ...(await this.settlementColumns())];
    const { rows } = await this.db.query(
      `SELECT ${columns.join(', ')} FROM calls WHERE started_at >= $1 AND started_at < $2 ORDER BY started_at, call_sid`,
      [period.from, period.to],
    );
    return { columns, rows };
  }

  /**
   * listing_performance's columns for the period: displays from listing_daily
   * (whole UTC days), calls from calls. Distinct visitors are kept all-time
   * only, so a period's unique_visitors and visitors_without_call stay empty;
   * without a period the export is listing_performance itself.
   */
  async listingPerformanceForExport(period: Period | null) {
    if (!period) {
      const { rows } = await this.db.query(
        `SELECT ${LISTING_PERFORMANCE_COLUMNS.join(', ')} FROM listing_performance ORDER BY listing_id`,
      );
      return { columns: LISTING_PERFORMANCE_COLUMNS, rows };
    }
    const { rows } = await this.db.query(periodPerformance, [period.from, period.to]);
    return { columns: LISTING_PERFORMANCE_COLUMNS, rows };
  }
}

const periodPerformance = `
WITH shown AS (
  SELECT listing_id, sum(displays)::int AS displays FROM listing_daily
  WHERE day BETWEEN ($1::timestamptz AT TIME ZONE 'UTC')::date AND ($2::timestamptz AT TIME ZONE 'UTC')::date GROUP BY 1
), called AS (
  SELECT listing_id, max(dealer_id) AS dealer_id, count(*)::int AS calls, count(DISTINCT caller)::int AS unique_callers,
         count(*) FILTER (WHERE answered)::int AS answered_calls, round(avg(duration_s) FILTER (WHERE answered), 1) AS avg_duration_s
  FROM calls WHERE started_at >= $1 AND started_at < $2 AND listing_id IS NOT NULL GROUP BY 1
)
SELECT COALESCE(s.listing_id, c.listing_id) AS listing_id, COALESCE(p.dealer_id, c.dealer_id) AS dealer_id,
       COALESCE(s.displays, 0) AS displays, NULL AS unique_visitors, COALESCE(c.calls, 0) AS calls,
       COALESCE(c.unique_callers, 0) AS unique_callers, COALESCE(c.answered_calls, 0) AS answered_calls,
       c.avg_duration_s, NULL AS visitors_without_call
FROM shown s FULL JOIN called c ON c.listing_id = s.listing_id
LEFT JOIN listing_performance p ON p.listing_id = COALESCE(s.listing_id, c.listing_id)
ORDER BY 1`;
