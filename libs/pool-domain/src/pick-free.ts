import { IntrusiveList } from './intrusive-list';
import { holderKey, PoolState, TrackingNumber } from './state';

/**
 * The reuse policy (DESIGN.md). First the very number this visitor held on
 * this listing, cooling or free, since nobody else has had it since. Then an
 * available number (its cool-down is over), by `policy.reuse`: one whose last
 * listing is this listing (a late caller still reaches the right dealer and
 * listing), one whose last listing was the same dealer's (the right dealer),
 * then the least recently used.
 *
 * The cool-down is a target, not a gate: when nothing has finished cooling, a
 * cooling number is handed out rather than the dealer's own line (overflow),
 * in the same order of preference, the one that has rested longest first.
 * Only a pool whose every number is displayed or locked answers overflow.
 */
export function pickFreeNumber(state: PoolState, listingId: string, visitorId: string | null): TrackingNumber | null {
  if (visitorId !== null) {
    const own = ownRecentNumber(state, listingId, visitorId);
    if (own) return own;
  }
  const free = byReusePolicy(state, listingId, state.freeByListing, state.freeByDealer);
  if (free) return free;
  const fresh = state.freeFresh.head ?? state.freeByAge.head;
  if (fresh) return fresh;
  return byReusePolicy(state, listingId, state.coolingByListing, state.coolingByDealer) ?? state.cooling.head;
}

function ownRecentNumber(state: PoolState, listingId: string, visitorId: string): TrackingNumber | null {
  const own = state.recentHolders.get(holderKey(visitorId, listingId));
  const n = own === undefined ? undefined : state.numbers.get(own);
  const stillTheirs =
    n &&
    (n.state === 'cooling' || n.state === 'available') &&
    n.lastHolder?.visitorId === visitorId &&
    n.lastListingId === listingId;
  return stillTheirs ? n : null;
}

function byReusePolicy(
  state: PoolState,
  listingId: string,
  byListing: Map<string, IntrusiveList<TrackingNumber>>,
  byDealer: Map<string, IntrusiveList<TrackingNumber>>,
): TrackingNumber | null {
  const reuse = state.policy.reuse;
  if (reuse === 'lru') return null;
  const sameListing = byListing.get(listingId)?.head;
  if (sameListing) return sameListing;
  if (reuse !== 'dealer') return null;
  const dealerId = state.listings.get(listingId)?.dealerId;
  return (dealerId === undefined ? undefined : byDealer.get(dealerId)?.head) ?? null;
}
