import type { CallpoolClient } from '@callpool/client';
import { Listing } from '../model';
import { eachLimited } from './http';

/** Registers the catalogue (admin token), with the title and dealer name a caller hears in the caller menu. */
export async function registerListings(
  api: CallpoolClient,
  listings: readonly Listing[],
  concurrency: number,
): Promise<void> {
  await eachLimited(listings, concurrency, async (listing) => {
    const { dealerId, forwardTo, tier, title, dealerName } = listing;
    await api.listings.put(listing.listingId, { dealerId, forwardTo, tier, title, dealerName });
  });
}
