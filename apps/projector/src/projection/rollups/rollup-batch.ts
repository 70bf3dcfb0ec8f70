import { CallpoolEvent } from '@callpool/contracts';
import { Db, toJson } from '../sql';
import { dayOf, recomputeCallDays, recomputeCallTotals } from './call-rollups';
import { WindowDeltas } from './windows';

/** Events that change a listing's rollups (a call's listing comes with its call, below). */
const LISTING_EVENTS = new Set([
  'NumberDisplayed',
  'ListingRegistered',
  'ListingNumberAssigned',
  'ListingSold',
  'CallReceived',
]);

export interface InsertedDisplay {
  listing_id: string;
  visitor_id: string;
  dealer_id: string | null;
  pool: string;
  displayed_at: Date | string;
}

/**
 * The rollups' share of one projected batch, written in its transaction.
 * Counts that only grow (displays, visitors) add what the batch's statements
 * actually inserted (RETURNING), so a redelivery that inserts nothing adds
 * nothing; call figures, which later events may move between listings, are
 * recomputed for the listings and days the batch touched. `begin` locks the
 * batch's listings first, in key order: the calls topic and the allocations
 * topic are projected concurrently, and a visitor's display and call must not
 * each miss the other (visitors_without_call).
 */
export class RollupBatch {
  readonly windows = new WindowDeltas();
  private readonly displays: InsertedDisplay[] = [];
  private readonly registered = new Set<string>();

  private constructor(
    private readonly callSids: string[],
    private readonly callKeysBefore: Array<{ listing_id: string; day: string }>,
  ) {}

  static async begin(db: Db, events: CallpoolEvent[]): Promise<RollupBatch> {
    const listings = new Set<string>();
    const callSids = new Set<string>();
    for (const event of events) {
      if (LISTING_EVENTS.has(event.type) && 'listingId' in event.data && typeof event.data.listingId === 'string')
        listings.add(event.data.listingId);
      if ('callSid' in event.data && event.type !== 'NumberLocked') callSids.add(event.data.callSid);
    }
    const before = await callKeys(db, [...callSids]);
    for (const key of before) listings.add(key.listing_id);
    await lockListings(db, [...listings].sort());
    return new RollupBatch([...callSids], before);
  }

  displaysInserted(rows: InsertedDisplay[]): void {
    this.displays.push(...rows);
    for (const row of rows) {
      if (row.pool !== 'overflow') continue;
      this.windows.add(row.displayed_at, 'overflow_displays', 1);
      this.windows.add(row.displayed_at, 'anchors', 1);
    }
  }

  listingsRegistered(listingIds: string[]): void {
    for (const id of listingIds) this.registered.add(id);
  }

  async flush(db: Db): Promise<void> {
    await this.addDisplays(db);
    await syncRegistrations(db, [...this.registered]);
    if (this.callSids.length > 0) {
      const keys = dedupeKeys([...this.callKeysBefore, ...(await callKeys(db, this.callSids))]);
      await recomputeCallTotals(db, [...new Set(keys.map((k) => k.listing_id))].sort());
      await recomputeCallDays(db, keys);
    }
    await writeWindows(db, this.windows.rows());
    await dropEmptyListings(db, this.touchedListings());
  }

  private touchedListings(): string[] {
    return [
      ...new Set([
        ...this.displays.map((d) => d.listing_id),
        ...this.registered,
        ...this.callKeysBefore.map((k) => k.listing_id),
      ]),
    ];
  }

  private async addDisplays(db: Db): Promise<void> {
    if (this.displays.length === 0) return;
    const rows = this.displays.map((d) => ({ ...d, day: dayOf(d.displayed_at) }));
    await db.query(addDisplaysToTotals, [toJson(rows)]);
    await db.query(addDisplaysToDays, [toJson(rows)]);
  }
}

/** The (listing, day) each call of the batch counts in, as call_records says now. */
async function callKeys(db: Db, callSids: string[]): Promise<Array<{ listing_id: string; day: string }>> {
  if (callSids.length === 0) return [];
  const result = await db.query(
    `SELECT listing_id, to_char(started_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day FROM call_records
     WHERE call_sid = ANY($1) AND listing_id IS NOT NULL AND started_at IS NOT NULL`,
    [callSids],
  );
  return result.rows;
}

function dedupeKeys(keys: Array<{ listing_id: string; day: string }>) {
  return [...new Map(keys.map((k) => [`${k.listing_id}\u0000${k.day}`, k])).values()];
}

async function lockListings(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `INSERT INTO listing_totals (listing_id) SELECT id FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING`,
    [listingIds],
  );
  await db.query(`SELECT 1 FROM listing_totals WHERE listing_id = ANY($1) ORDER BY listing_id FOR UPDATE`, [
    listingIds,
  ]);
}

async function syncRegistrations(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `UPDATE listing_totals t SET registered = true, registered_dealer_id = l.dealer_id
     FROM listings l WHERE l.listing_id = t.listing_id AND t.listing_id = ANY($1)`,
    [listingIds],
  );
}

async function writeWindows(db: Db, rows: ReturnType<WindowDeltas['rows']>): Promise<void> {
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
async function dropEmptyListings(db: Db, listingIds: string[]): Promise<void> {
  if (listingIds.length === 0) return;
  await db.query(
    `DELETE FROM listing_totals WHERE listing_id = ANY($1) AND NOT registered AND displays = 0 AND calls = 0`,
    [listingIds],
  );
}

const addDisplaysToTotals = `
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

const addDisplaysToDays = `
INSERT INTO listing_daily AS t (listing_id, day, displays, overflow_displays)
SELECT listing_id, day, count(*), count(*) FILTER (WHERE pool = 'overflow')
FROM jsonb_to_recordset($1::jsonb) AS r(listing_id text, day date, pool text)
GROUP BY listing_id, day ORDER BY listing_id, day
ON CONFLICT (listing_id, day) DO UPDATE
SET displays = t.displays + excluded.displays, overflow_displays = t.overflow_displays + excluded.overflow_displays`;
