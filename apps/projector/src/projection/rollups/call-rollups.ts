import { Db, toJson } from '../sql';

export function dayOf(at: Date | string): string {
  return new Date(at).toISOString().slice(0, 10);
}

/**
 * Call figures of the listings a batch touched, recomputed from call_records
 * (a call's listing may change after it was first counted: a caller's menu
 * choice, a late CallReceived). Touching a listing reads its calls only.
 */
export async function recomputeCallTotals(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `UPDATE listing_totals t
     SET calls = c.calls, unique_callers = c.unique_callers, answered_calls = c.answered_calls,
         avg_duration_s = c.avg_duration_s, called_visitors = c.called_visitors, call_dealer_id = c.dealer_id
     FROM unnest($1::text[]) AS ids(listing_id)
     CROSS JOIN LATERAL (
       SELECT max(dealer_id) AS dealer_id, count(*) AS calls, count(DISTINCT caller) AS unique_callers,
              count(*) FILTER (WHERE answered) AS answered_calls,
              round(avg(duration_s) FILTER (WHERE answered), 1) AS avg_duration_s,
              count(DISTINCT visitor_id) FILTER (WHERE EXISTS (
                SELECT 1 FROM listing_visitors v WHERE v.listing_id = r.listing_id AND v.visitor_id = r.visitor_id
              )) AS called_visitors
       FROM call_records r WHERE r.listing_id = ids.listing_id AND r.started_at IS NOT NULL
     ) c
     WHERE t.listing_id = ids.listing_id`,
    [listingIds],
  );
}

export async function recomputeCallDays(db: Db, keys: Array<{ listing_id: string; day: string }>): Promise<void> {
  if (keys.length === 0) return;
  const json = toJson(keys);
  await db.query(
    `INSERT INTO listing_daily AS t (listing_id, day, calls, answered_calls, answered_duration_s)
     SELECT k.listing_id, k.day, c.calls, c.answered_calls, c.answered_duration_s
     FROM jsonb_to_recordset($1::jsonb) AS k(listing_id text, day date)
     CROSS JOIN LATERAL (
       SELECT count(*) AS calls, count(*) FILTER (WHERE answered) AS answered_calls,
              COALESCE(sum(duration_s) FILTER (WHERE answered), 0) AS answered_duration_s
       FROM call_records r
       WHERE r.listing_id = k.listing_id AND r.started_at >= (k.day::timestamp AT TIME ZONE 'UTC')
         AND r.started_at < ((k.day + 1)::timestamp AT TIME ZONE 'UTC')
     ) c
     ORDER BY k.listing_id, k.day
     ON CONFLICT (listing_id, day) DO UPDATE
     SET calls = excluded.calls, answered_calls = excluded.answered_calls, answered_duration_s = excluded.answered_duration_s`,
    [json],
  );
  await db.query(
    `DELETE FROM listing_daily d USING jsonb_to_recordset($1::jsonb) AS k(listing_id text, day date)
     WHERE d.listing_id = k.listing_id AND d.day = k.day
       AND d.displays = 0 AND d.overflow_displays = 0 AND d.calls = 0 AND d.answered_calls = 0`,
    [json],
  );
}
