import { CallpoolEvent } from '@callpool/contracts';
import { Db, writeRows } from './sql';

/** listings: the directory's registrations, listing-level numbers and sales (later in the log wins). */
export async function projectListings(db: Db, events: CallpoolEvent[]): Promise<void> {
  const listings = new Map<string, Record<string, unknown>>();
  const listing = (listingId: string) => {
    const row = listings.get(listingId) ?? { listing_id: listingId };
    listings.set(listingId, row);
    return row;
  };
  for (const event of events) {
    if (event.type === 'ListingRegistered') {
      const row = listing(event.data.listingId);
      row.registered_at ??= event.occurredAt;
      Object.assign(row, {
        dealer_id: event.data.dealerId,
        forward_to: event.data.forwardTo,
        tier: event.data.tier,
        updated_at: event.occurredAt,
      });
    } else if (event.type === 'ListingNumberAssigned') {
      Object.assign(listing(event.data.listingId), {
        listing_number: event.data.number,
        dealer_id: event.data.dealerId,
      });
    } else if (event.type === 'ListingSold') {
      listing(event.data.listingId).sold_at ??= event.occurredAt;
    }
  }
  await writeRows(db, listingTable, [...listings.values()]);
}

const listingTable = {
  table: 'listings',
  columns: `listing_id text, dealer_id text, forward_to text, tier text, listing_number text,
    registered_at timestamptz, updated_at timestamptz, sold_at timestamptz`,
  conflict: `ON CONFLICT (listing_id) DO UPDATE SET
    dealer_id = COALESCE(excluded.dealer_id, t.dealer_id),
    forward_to = COALESCE(excluded.forward_to, t.forward_to),
    tier = COALESCE(excluded.tier, t.tier),
    listing_number = COALESCE(excluded.listing_number, t.listing_number),
    registered_at = COALESCE(t.registered_at, excluded.registered_at),
    updated_at = COALESCE(excluded.updated_at, t.updated_at),
    sold_at = COALESCE(t.sold_at, excluded.sold_at)`,
};
