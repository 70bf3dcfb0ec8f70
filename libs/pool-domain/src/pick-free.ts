import { holderKey, PoolState, TrackingNumber } from './state';

/**
 * The reuse policy (DESIGN.md). Only available numbers qualify (their
 * cool-down is over), except that a visitor may get back the very number they
 * held on this listing while it cools, since nobody else has had it since.
 * Then, by `policy.reuse`: one whose last listing is this listing (a late
 * caller still reaches the right dealer and listing), one whose last listing
 * was the same dealer's (the right dealer), then the least recently used.
 */
export function pickFreeNumber(state: PoolState, listingId: string, visitorId: string | null): TrackingNumber | null {
  if (visitorId !== null) {
    const own = state.recentHolders.get(holderKey(visitorId, listingId));
    const n = own === undefined ? undefined : state.numbers.get(own);
    if (
      n &&
      (n.state === 'cooling' || n.state === 'available') &&
      n.lastHolder?.visitorId === visitorId &&
      n.lastListingId === listingId
    )
      return n;
  }
  const reuse = state.policy.reuse;
  if (reuse !== 'lru') {
    const sameListing = state.freeByListing.get(listingId)?.head;
    if (sameListing) return sameListing;
  }
  if (reuse === 'dealer') {
    const dealerId = state.listings.get(listingId)?.dealerId;
    const sameDealer = dealerId === undefined ? undefined : state.freeByDealer.get(dealerId)?.head;
    if (sameDealer) return sameDealer;
  }
  return state.freeFresh.head ?? state.freeByAge.head;
}
