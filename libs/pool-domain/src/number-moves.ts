import { IntrusiveList } from './intrusive-list';
import { Holder, holderKey, NumberState, PoolState, TrackingNumber } from './state';

/** The state transitions of one number, shared by the evolve handlers. All O(1). */

export function setNumberState(state: PoolState, n: TrackingNumber, next: NumberState): void {
  state.counts[n.state]--;
  state.counts[next]++;
  n.state = next;
}

/** Takes the number out of every index it sits in, before it changes hands or state. */
export function detachNumber(state: PoolState, n: TrackingNumber): void {
  n.byAge.owner?.remove(n);
  const byListing = n.byListing.owner;
  if (byListing) {
    byListing.remove(n);
    if (byListing.size === 0 && n.lastListingId !== null) state.freeByListing.delete(n.lastListingId);
  }
  const byDealer = n.byDealer.owner;
  if (byDealer) {
    byDealer.remove(n);
    if (byDealer.size === 0 && n.lastDealerId !== null) state.freeByDealer.delete(n.lastDealerId);
  }
  n.due.owner?.remove(n);
  forgetLastHolder(state, n);
  if (n.state === 'displayed' && n.holder?.sessionId) {
    const session = state.sessions.get(n.holder.sessionId);
    if (session?.holdings.get(n.holder.listingId) === n.number) session.holdings.delete(n.holder.listingId);
  }
}

export function makeAvailable(state: PoolState, n: TrackingNumber): void {
  detachNumber(state, n);
  state.freeByAge.insertSorted(n, (x) => x.lastUsedAt);
  if (n.lastListingId !== null) {
    let byListing = state.freeByListing.get(n.lastListingId);
    if (!byListing) {
      byListing = new IntrusiveList((x: TrackingNumber) => x.byListing);
      state.freeByListing.set(n.lastListingId, byListing);
    }
    byListing.insertSorted(n, (x) => x.lastUsedAt);
    n.lastDealerId = state.listings.get(n.lastListingId)?.dealerId ?? null;
    if (n.lastDealerId !== null) {
      let byDealer = state.freeByDealer.get(n.lastDealerId);
      if (!byDealer) {
        byDealer = new IntrusiveList((x: TrackingNumber) => x.byDealer);
        state.freeByDealer.set(n.lastDealerId, byDealer);
      }
      byDealer.insertSorted(n, (x) => x.lastUsedAt);
    }
  }
  setNumberState(state, n, 'available');
  // The last holder can still get it back, until someone else takes it.
  if (n.lastHolder) state.recentHolders.set(holderKey(n.lastHolder.visitorId, n.lastHolder.listingId), n.number);
}

/** A holding ended at `at`: the number cools until `until`, remembered by its last holder. */
export function startCooling(state: PoolState, n: TrackingNumber, until: number, at: number): void {
  const ended = n.holder;
  detachNumber(state, n);
  if (ended) {
    n.lastHolder = ended;
    n.lastListingId = ended.listingId;
    state.recentHolders.set(holderKey(ended.visitorId, ended.listingId), n.number);
  }
  n.holder = null;
  n.lastUsedAt = at;
  n.coolingUntil = until;
  setNumberState(state, n, 'cooling');
  state.cooling.insertSorted(n, (x) => x.coolingUntil);
}

export function holdNumber(state: PoolState, n: TrackingNumber, holder: Holder, next: 'displayed' | 'locked'): void {
  detachNumber(state, n);
  n.holder = holder;
  setNumberState(state, n, next);
}

function forgetLastHolder(state: PoolState, n: TrackingNumber): void {
  if (!n.lastHolder) return;
  const key = holderKey(n.lastHolder.visitorId, n.lastHolder.listingId);
  if (state.recentHolders.get(key) === n.number) state.recentHolders.delete(key);
}
