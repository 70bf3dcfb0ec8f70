import { CallpoolEvent } from '@callpool/contracts';
import { Db, toJson } from '../sql';
import { dayOf, recomputeCallDays, recomputeCallTotals } from './call-rollups';
import {
  addDisplaysToDays,
  addDisplaysToTotals,
  dropEmptyListings,
  lockListings,
  syncRegistrations,
  writeWindows,
} from './rollup-writes';
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
      // Any call event naming a listing (a caller's choice moves a call there) counts as touching it.
      const touches = LISTING_EVENTS.has(event.type) || 'callSid' in event.data;
      if (touches && 'listingId' in event.data && typeof event.data.listingId === 'string')
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
      // Normally locked in begin(); a call moved to a listing no event of the batch named still gets its row.
      await db.query(
        `INSERT INTO listing_totals (listing_id) SELECT id FROM unnest($1::text[]) AS id ORDER BY id ON CONFLICT DO NOTHING`,
        [[...new Set(keys.map((k) => k.listing_id))].sort()],
      );
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
