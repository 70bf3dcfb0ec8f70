import { IntrusiveList, Links } from './intrusive-list';
import { Holder, holderKey, NumberState, PoolState, TrackingNumber } from './state';

type FreeIndex = Map<string, IntrusiveList<TrackingNumber>>;

/** Files a free number under `key` (its last listing, or that listing's dealer), least recently used first. */
function fileUnder(
  index: FreeIndex,
  key: string,
  n: TrackingNumber,
  links: (x: TrackingNumber) => Links<TrackingNumber>,
) {
  let list = index.get(key);
  if (!list) {
    list = new IntrusiveList(links);
    index.set(key, list);
  }
  list.insertSorted(n, (x) => x.lastUsedAt);
}

/** Takes it out again; an emptied list leaves the index, so the index holds only keys with free numbers. */
function unfile(index: FreeIndex, key: string | null, n: TrackingNumber, links: Links<TrackingNumber>) {
  const list = links.owner;
  if (!list) return;
  list.remove(n);
  if (list.size === 0 && key !== null) index.delete(key);
}

/** The state transitions of one number, shared by the evolve handlers. All O(1). */

export function setNumberState(state: PoolState, n: TrackingNumber, next: NumberState): void {
  state.counts[n.state]--;
  state.counts[next]++;
  n.state = next;
}

/** Takes the number out of every index it sits in, before it changes hands or state. */
export function detachNumber(state: PoolState, n: TrackingNumber): void {
  n.byAge.owner?.remove(n);
  const cooling = n.state === 'cooling';
  unfile(cooling ? state.coolingByListing : state.freeByListing, n.lastListingId, n, n.byListing);
  unfile(cooling ? state.coolingByDealer : state.freeByDealer, n.lastDealerId, n, n.byDealer);
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
    fileUnder(state.freeByListing, n.lastListingId, n, (x) => x.byListing);
    n.lastDealerId = state.listings.get(n.lastListingId)?.dealerId ?? null;
    if (n.lastDealerId !== null) fileUnder(state.freeByDealer, n.lastDealerId, n, (x) => x.byDealer);
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
  if (n.lastListingId !== null) {
    fileUnder(state.coolingByListing, n.lastListingId, n, (x) => x.byListing);
    n.lastDealerId = state.listings.get(n.lastListingId)?.dealerId ?? null;
    if (n.lastDealerId !== null) fileUnder(state.coolingByDealer, n.lastDealerId, n, (x) => x.byDealer);
  }
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
