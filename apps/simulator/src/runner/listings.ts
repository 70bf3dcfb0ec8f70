import { Listing } from '../model';
import { eachLimited, ServiceClient, ServiceError } from './http';

/** Registers the catalogue (admin token), with the title and dealer name a caller hears in the caller menu. */
export async function registerListings(
  allocator: ServiceClient,
  adminToken: string,
  listings: readonly Listing[],
  concurrency: number,
): Promise<void> {
  await eachLimited(listings, concurrency, async (listing) => {
    const { dealerId, forwardTo, tier, title, dealerName } = listing;
    const answer = await allocator.put(
      `/v1/listings/${listing.listingId}`,
      { dealerId, forwardTo, tier, title, dealerName },
      { authorization: `Bearer ${adminToken}` },
    );
    if (answer.status !== 200)
      throw new ServiceError(
        `listing ${listing.listingId}: ${answer.status} ${JSON.stringify(answer.body)}`,
        answer.status,
      );
  });
}
