import { Db, toJson } from '../sql';
import { WindowDeltas } from './windows';

/** The statements RollupBatch runs (rollup-batch.ts says when and why). */
export async function lockListings(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `INSERT INTO listing_totals (listing_id) SELECT id FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING`,
    [listingIds],
  );
  await db.query(`SELECT 1 FROM listing_totals WHERE listing_id = ANY($1) ORDER BY listing_id FOR UPDATE`, [
    listingIds,
  ]);
}

export async function syncRegistrations(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `UPDATE listing_totals t SET registered = true, registered_dealer_id = l.dealer_id
     FROM listings l WHERE l.listing_id = t.listing_id AND t.listing_id = ANY($1)`,
    [listingIds],
  );
}

export async function writeWindows(db: Db, rows: ReturnType<WindowDeltas['rows']>): Promise<void> {
  if (rows.length === 0) return;
  const columns = ['anchors', 'displayed', 'locked', 'available', 'cooling', 'sessions', 'overflow_displays'];
  await db.query(
    `INSERT INTO pool_windows AS t (window_start, ${columns.join(', ')})
     SELECT window_start, ${columns.join(', ')}
     FROM jsonb_to_recordset($1::jsonb) AS r(window_start timestamptz, ${columns.map((c) => `${c} bigint`).join(', ')})
     ORDER BY window_start
     ON CONFLICT (window_start) DO UPDATE SET ${columns.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`,
    [toJson(rows)],
  );
  // Keeps the windows dense (backfill.ts): from the neighbours of what this batch touched, every window in between.
  await db.query(
    `INSERT INTO pool_windows (window_start)
     SELECT generate_series(
       COALESCE((SELECT max(window_start) FROM pool_windows WHERE window_start < $1), $1),
       COALESCE((SELECT min(window_start) FROM pool_windows WHERE window_start > $2), $2),
       interval '10 minutes')
     ON CONFLICT (window_start) DO NOTHING`,
    [rows[0].window_start, rows[rows.length - 1].window_start],
  );
}

/** Listings locked for a call that moved elsewhere and nothing else: not in listing_performance, so no row. */
export async function dropEmptyListings(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `DELETE FROM listing_totals WHERE listing_id = ANY($1) AND NOT registered AND displays = 0 AND calls = 0`,
    [listingIds],
  );
}

export const addDisplaysToTotals = `
WITH shown AS (
  SELECT listing_id, count(*) AS displays, max(dealer_id) AS dealer_id
  FROM jsonb_to_recordset($1::jsonb) AS r(listing_id text, dealer_id text) GROUP BY listing_id
), seen AS (
  INSERT INTO listing_visitors (listing_id, visitor_id)
  SELECT DISTINCT listing_id, visitor_id FROM jsonb_to_recordset($1::jsonb) AS r(listing_id text, visitor_id text)
  ORDER BY 1, 2
  ON CONFLICT DO NOTHING RETURNING listing_id, visitor_id
), first_seen AS (
  SELECT listing_id, count(*) AS visitors,
         count(*) FILTER (WHERE EXISTS (
           SELECT 1 FROM call_records c
           WHERE c.listing_id = seen.listing_id AND c.visitor_id = seen.visitor_id AND c.started_at IS NOT NULL)) AS called
  FROM seen GROUP BY listing_id
)
UPDATE listing_totals t
SET displays = t.displays + shown.displays,
    display_dealer_id = GREATEST(t.display_dealer_id, shown.dealer_id),
    unique_visitors = t.unique_visitors + COALESCE(first_seen.visitors, 0),
    called_visitors = t.called_visitors + COALESCE(first_seen.called, 0)
FROM shown LEFT JOIN first_seen ON first_seen.listing_id = shown.listing_id
WHERE t.listing_id = shown.listing_id`;

export const addDisplaysToDays = `
INSERT INTO listing_daily AS t (listing_id, day, displays, overflow_displays)
SELECT listing_id, day, count(*), count(*) FILTER (WHERE pool = 'overflow')
FROM jsonb_to_recordset($1::jsonb) AS r(listing_id text, day date, pool text)
GROUP BY listing_id, day ORDER BY listing_id, day
ON CONFLICT (listing_id, day) DO UPDATE
SET displays = t.displays + excluded.displays, overflow_displays = t.overflow_displays + excluded.overflow_displays`;
