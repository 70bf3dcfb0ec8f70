import { PoolEvent, PoolEventOf } from './events';
import { detachNumber, holdNumber, makeAvailable, setNumberState, startCooling } from './number-moves';
import { endSession, mergeContext, touchSession } from './session-activity';
import { holderKey, newTrackingNumber, PoolState } from './state';
import { countHandOut } from './turnover';

/**
 * The only mutator of PoolState (in place, for speed; see state.ts). Every
 * handler tolerates an event that no longer applies (a number already moved
 * on), so replays and redeliveries fold to the same state.
 */
export function evolve(state: PoolState, event: PoolEvent): PoolState {
  const at = Date.parse(event.occurredAt);
  if (at > state.lastEventAt) state.lastEventAt = at;
  switch (event.type) {
    case 'ListingRegistered':
      return registered(state, event);
    case 'ListingNumberAssigned':
      return listingNumberAssigned(state, event);
    case 'ListingSold':
      return sold(state, event);
    case 'NumberProvisioned':
      return provisioned(state, event, at);
    case 'NumberDisplayed':
      return displayed(state, event, at);
    case 'SessionExpired':
      return sessionExpired(state, event, at);
    case 'NumberCooledDown':
      return cooledDown(state, event);
    case 'NumberLocked':
      return locked(state, event);
    case 'NumberUnlocked':
      return unlocked(state, event, at);
    case 'NumberReleased':
      return released(state, event);
    case 'NumberProvisioningFailed':
      state.provisioning.consecutiveFailures++;
      return state;
    case 'PageViewed': {
      const session = touchSession(state, event.data.sessionId, event.data.visitorId, at);
      if (event.data.listingId) session.viewed.add(event.data.listingId);
      return state;
    }
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

function registered(state: PoolState, { data }: PoolEventOf<'ListingRegistered'>): PoolState {
  const listing = state.listings.get(data.listingId);
  if (listing) Object.assign(listing, { dealerId: data.dealerId, forwardTo: data.forwardTo, tier: data.tier });
  else state.listings.set(data.listingId, { ...data, number: null, sold: false, locks: new Set() });
  return state;
}

function listingNumberAssigned(state: PoolState, { data }: PoolEventOf<'ListingNumberAssigned'>): PoolState {
  const n = state.numbers.get(data.number);
  const listing = state.listings.get(data.listingId);
  if (!n || !listing) return state;
  detachNumber(state, n);
  n.holder = null;
  n.listingId = data.listingId;
  setNumberState(state, n, 'listing');
  listing.number = data.number;
  return state;
}

function sold(state: PoolState, { data }: PoolEventOf<'ListingSold'>): PoolState {
  const listing = state.listings.get(data.listingId);
  if (!listing) return state;
  listing.sold = true;
  if (listing.number) state.listingNumbersToRelease.add(listing.number);
  return state;
}

function provisioned(state: PoolState, { data }: PoolEventOf<'NumberProvisioned'>, at: number): PoolState {
  const known = state.numbers.get(data.number);
  if (known && known.state !== 'released') return state;
  if (known) state.counts.released--;
  const n = newTrackingNumber(data.number, data.sid, data.areaCode, data.renewsAt ? Date.parse(data.renewsAt) : null);
  state.numbers.set(data.number, n);
  state.counts.available++;
  state.freeFresh.pushBack(n);
  const purchases = state.provisioning.recentPurchases;
  purchases.push(at);
  while (purchases.length > 0 && purchases[0] < at - 60 * 60_000) purchases.shift();
  state.provisioning.consecutiveFailures = 0;
  return state;
}

function displayed(state: PoolState, { data }: PoolEventOf<'NumberDisplayed'>, at: number): PoolState {
  const session = touchSession(state, data.sessionId, data.visitorId, at);
  mergeContext(session, data.context);
  session.viewed.add(data.listingId);
  if (data.pool === 'session' || data.pool === 'overflow') session.wanted.add(data.listingId);
  if (data.pool !== 'session' || !data.assignmentStarted) return state;
  const n = state.numbers.get(data.number);
  if (!n || n.state === 'released' || n.state === 'listing' || n.state === 'locked') return state;
  holdNumber(
    state,
    n,
    { visitorId: data.visitorId, sessionId: data.sessionId, listingId: data.listingId },
    'displayed',
  );
  session.holdings.set(data.listingId, data.number);
  countHandOut(state, at, data.reclaimed === true);
  return state;
}

function sessionExpired(state: PoolState, { data }: PoolEventOf<'SessionExpired'>, at: number): PoolState {
  for (const cooling of data.numbersCooling) {
    const n = state.numbers.get(cooling.number);
    if (n?.state === 'displayed') startCooling(state, n, Date.parse(cooling.coolingUntil), at);
  }
  endSession(state, data.sessionId, Date.parse(data.lastSeenAt));
  return state;
}

function cooledDown(state: PoolState, { data }: PoolEventOf<'NumberCooledDown'>): PoolState {
  const n = state.numbers.get(data.number);
  if (n?.state === 'cooling') makeAvailable(state, n);
  return state;
}

function locked(state: PoolState, { data }: PoolEventOf<'NumberLocked'>): PoolState {
  const n = state.numbers.get(data.number);
  if (!n || n.state === 'released' || n.state === 'listing') return state;
  const key = holderKey(data.visitorId, data.listingId);
  if (n.state !== 'locked' || state.locks.get(key) !== n.number) {
    if (n.state === 'locked') endLock(state, n);
    holdNumber(state, n, { visitorId: data.visitorId, sessionId: data.sessionId, listingId: data.listingId }, 'locked');
    state.locks.set(key, n.number);
    state.listings.get(data.listingId)?.locks.add(n.number);
  }
  n.lockedUntil = Math.max(n.lockedUntil, Date.parse(data.lockedUntil));
  n.lastCallSid = data.callSid;
  state.lockExpiries.remove(n);
  state.lockExpiries.insertSorted(n, (x) => x.lockedUntil);
  return state;
}

function unlocked(state: PoolState, { data }: PoolEventOf<'NumberUnlocked'>, at: number): PoolState {
  const n = state.numbers.get(data.number);
  if (n?.state !== 'locked') return state;
  endLock(state, n);
  startCooling(state, n, Date.parse(data.coolingUntil), at);
  return state;
}

function endLock(state: PoolState, n: import('./state').TrackingNumber): void {
  state.lockExpiries.remove(n);
  if (!n.holder) return;
  const key = holderKey(n.holder.visitorId, n.holder.listingId);
  if (state.locks.get(key) === n.number) state.locks.delete(key);
  state.listings.get(n.holder.listingId)?.locks.delete(n.number);
  n.lockedUntil = 0;
}

function released(state: PoolState, { data }: PoolEventOf<'NumberReleased'>): PoolState {
  const n = state.numbers.get(data.number);
  if (!n || n.state === 'released') return state;
  if (n.state === 'locked') endLock(state, n);
  detachNumber(state, n);
  if (n.listingId) {
    const listing = state.listings.get(n.listingId);
    if (listing?.number === n.number) listing.number = null;
    n.listingId = null;
  }
  state.listingNumbersToRelease.delete(n.number);
  n.holder = null;
  setNumberState(state, n, 'released');
  return state;
}
