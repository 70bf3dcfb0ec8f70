import { Client } from 'pg';

/** What the projector wrote, as analysts see it (CONTRACT.md relations). */
export interface ProjectedCall {
  call_sid: string;
  attribution: 'visitor' | 'listing' | 'none';
  visitor_id: string | null;
  listing_id: string | null;
  dealer_id: string | null;
  confidence: string | null;
  status: string | null;
  answered: boolean | null;
  /** v3: how the attribution was settled (holder, last_holder, caller_id, caller_choice, no_input, none); null before. */
  resolved_by?: string | null;
}

export interface ProjectedPool {
  peakOwned: number;
  peakHeld: number;
  peakDisplayed: number;
  peakLocked: number;
  overflowDisplays: number;
  numbersBought: number;
  numbersReleased: number;
  displays: number;
  pageViews: number;
  busiestWindow: { windowStart: string; visitors: number } | null;
}

export async function connect(databaseUrl: string, schema: string): Promise<Client> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(`SET search_path TO "${schema.replace(/"/g, '')}", public`);
  return client;
}

/** The busiest UTC-aligned 10-minute windows by distinct visitors (page views and displays): the sizing rule's input. */
export const BUSIEST_WINDOWS_SQL = `
WITH activity AS (
  SELECT visitor_id, viewed_at AS at FROM page_views
  UNION ALL
  SELECT visitor_id, started_at FROM visitor_sessions
)
SELECT date_bin('10 minutes', at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS window_start, count(DISTINCT visitor_id)::integer AS visitors
FROM activity GROUP BY 1 ORDER BY visitors DESC, window_start LIMIT $1`;

/**
 * Polls until the projector has every call (with its final status), every
 * display and every page view the run made: the report must not read a half-projected day.
 */
export async function waitForProjection(
  db: Client,
  expected: { runId: string; callSids: string[]; displays: number; pageViews: number },
  { timeoutMs = 180_000, onWait }: { timeoutMs?: number; onWait?: (seen: string) => void } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    // Only this run's rows (its ids all start with the run id): a shared database holds earlier runs too.
    const { rows } = await db.query(
      `
      SELECT (SELECT count(*) FROM calls WHERE status IS NOT NULL AND call_sid = ANY($1))::integer AS calls,
             (SELECT COALESCE(sum(displays), 0) FROM listing_performance WHERE listing_id LIKE $2)::integer AS displays,
             (SELECT count(*) FROM page_views WHERE session_id LIKE $2)::integer AS page_views`,
      [expected.callSids, `${expected.runId}-%`],
    );
    const seen = rows[0] as { calls: number; displays: number; page_views: number };
    const status = `calls ${seen.calls}/${expected.callSids.length}, displays ${seen.displays}/${expected.displays}, page views ${seen.page_views}/${expected.pageViews}`;
    if (
      seen.calls >= expected.callSids.length &&
      seen.displays >= expected.displays &&
      seen.page_views >= expected.pageViews
    )
      return;
    if (Date.now() > deadline)
      throw new Error(`the projector has not caught up after ${timeoutMs / 1000} s: ${status}`);
    onWait?.(status);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export async function readCalls(db: Client): Promise<ProjectedCall[]> {
  const { rows: columns } = await db.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'calls' AND column_name = 'resolved_by'`,
  );
  // resolved_by came with CONTRACT.md v3: a projector without it still gets a report.
  const resolvedBy = columns.length > 0 ? 'resolved_by' : 'NULL::text AS resolved_by';
  const { rows } = await db.query(
    `SELECT call_sid, attribution, visitor_id, listing_id, dealer_id, confidence, status, answered, ${resolvedBy} FROM calls`,
  );
  return rows as ProjectedCall[];
}

export async function readPool(db: Client): Promise<ProjectedPool> {
  const health = await db.query(`
    SELECT COALESCE(max(owned), 0)::integer AS peak_owned, COALESCE(max(displayed + locked), 0)::integer AS peak_held,
           COALESCE(max(displayed), 0)::integer AS peak_displayed, COALESCE(max(locked), 0)::integer AS peak_locked,
           COALESCE(sum(overflow_displays), 0)::integer AS overflow
    FROM pool_health`);
  const numbers = await db.query(
    `SELECT count(*)::integer AS bought, count(released_at)::integer AS released FROM tracking_numbers`,
  );
  const traffic = await db.query(
    `SELECT (SELECT COALESCE(sum(displays), 0) FROM listing_performance)::integer AS displays, (SELECT count(*) FROM page_views)::integer AS page_views`,
  );
  const busiest = await db.query(BUSIEST_WINDOWS_SQL, [1]);
  const h = health.rows[0];
  const top = busiest.rows[0] as { window_start: Date; visitors: number } | undefined;
  return {
    peakOwned: h.peak_owned,
    peakHeld: h.peak_held,
    peakDisplayed: h.peak_displayed,
    peakLocked: h.peak_locked,
    overflowDisplays: h.overflow,
    numbersBought: numbers.rows[0].bought,
    numbersReleased: numbers.rows[0].released,
    displays: traffic.rows[0].displays,
    pageViews: traffic.rows[0].page_views,
    busiestWindow: top ? { windowStart: top.window_start.toISOString(), visitors: top.visitors } : null,
  };
}
