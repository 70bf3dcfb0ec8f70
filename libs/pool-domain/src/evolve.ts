import { isAbuseLimit } from './abuse-limits';
import { PoolEvent, PoolEventOf } from './events';
import { NumberChange, numberChanges } from './lifecycle';
import { detachNumber, holdNumber, makeAvailable, setNumberState, startCooling } from './number-moves';
import { endSession, mergeContext, touchSession } from './session-activity';
import { holderKey, newTrackingNumber, PoolState, TrackingNumber } from './state';
import { countHandOut } from './turnover';

/**
 * The only mutator of PoolState (in place, for speed; see state.ts). What an
 * event does to a number is the shared lifecycle's (`numberChanges`, also
 * folded by call-ingest and the projector); this applies it to the pool's
 * indexes, and keeps sessions, listings and traffic. Every handler tolerates
 * an event that no longer applies, so replays and redeliveries fold to the
 * same state.
 */
export function evolve(state: PoolState, event: PoolEvent): PoolState {
  const at = Date.parse(event.occurredAt);
  if (at > state.lastEventAt) state.lastEventAt = at;
  switch (event.type) {
    case 'ListingRegistered':
      return registered(state, event);
    case 'ListingSold':
      return sold(state, event);
    case 'NumberDisplayed':
      return displayed(state, event, at);
    case 'SessionExpired':
      applyNumberChanges(state, event, at);
      endSession(state, event.data.sessionId, Date.parse(event.data.lastSeenAt));
      return state;
    case 'NumberProvisioningFailed':
      state.provisioning.consecutiveFailures++;
      return state;
    case 'PageViewed': {
      if (event.data.sessionRefused && !state.sessions.has(event.data.sessionId)) return state;
      const session = touchSession(state, event.data.sessionId, event.data.visitorId, at);
      if (event.data.listingId) session.viewed.add(event.data.listingId);
      return state;
    }
    case 'NumberProvisioned':
    case 'ListingNumberAssigned':
    case 'NumberCooledDown':
    case 'NumberLocked':
    case 'NumberUnlocked':
    case 'NumberReleased':
      return applyNumberChanges(state, event, at);
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

function registered(state: PoolState, { data }: PoolEventOf<'ListingRegistered'>): PoolState {
  const { listingId, dealerId, forwardTo, tier, title, dealerName } = data;
  const listing = state.listings.get(listingId);
  // PUT replaces the listing: a title left out is no title.
  if (listing) Object.assign(listing, { dealerId, forwardTo, tier, title, dealerName });
  else
    state.listings.set(listingId, {
      ...{ listingId, dealerId, forwardTo, tier, title, dealerName },
      ...{ number: null, sold: false, locks: new Set<string>() },
    });
  return state;
}

function sold(state: PoolState, { data }: PoolEventOf<'ListingSold'>): PoolState {
  const listing = state.listings.get(data.listingId);
  if (!listing) return state;
  listing.sold = true;
  if (listing.number) state.listingNumbersToRelease.add(listing.number);
  return state;
}

function displayed(state: PoolState, event: PoolEventOf<'NumberDisplayed'>, at: number): PoolState {
  const { data } = event;
  const limited = isAbuseLimit(data.overflowReason);
  // Refused sessions stay unopened; a session past its listings limit does not grow its demand.
  if (limited && data.overflowReason !== 'listings_per_session') return state;
  const session = touchSession(state, data.sessionId, data.visitorId, at);
  mergeContext(session, data.context);
  session.viewed.add(data.listingId);
  if (data.pool === 'session' || (data.pool === 'overflow' && !limited)) session.wanted.add(data.listingId);
  return applyNumberChanges(state, event, at);
}

function applyNumberChanges(state: PoolState, event: PoolEvent, at: number): PoolState {
  for (const change of numberChanges(event, (number) => state.numbers.get(number)))
    applyChange(state, change, event, at);
  return state;
}

function applyChange(state: PoolState, change: NumberChange, event: PoolEvent, at: number): void {
  const n = state.numbers.get(change.number);
  if (change.to === 'available' && event.type === 'NumberProvisioned') return provisioned(state, event, at);
  if (!n) return;
  switch (change.to) {
    case 'available':
      return makeAvailable(state, n);
    case 'displayed':
      return heldInSession(state, n, change, event, at);
    case 'cooling':
      if (change.from === 'locked') endLock(state, n);
      return startCooling(state, n, change.coolingUntil ?? at, at);
    case 'locked':
      return lockedOrExtended(state, n, change, event);
    case 'listing':
      return servesListing(state, n, change.listingId ?? '');
    case 'released':
      return released(state, n);
  }
}

function provisioned(state: PoolState, { data }: PoolEventOf<'NumberProvisioned'>, at: number): void {
  if (state.numbers.get(data.number)?.state === 'released') state.counts.released--;
  const n = newTrackingNumber(data.number, data.sid, data.areaCode, data.renewsAt ? Date.parse(data.renewsAt) : null);
  state.numbers.set(data.number, n);
  state.counts.available++;
  state.freeFresh.pushBack(n);
  const purchases = state.provisioning.recentPurchases;
  purchases.push(at);
  while (purchases.length > 0 && purchases[0] < at - 60 * 60_000) purchases.shift();
  state.provisioning.consecutiveFailures = 0;
}

function heldInSession(state: PoolState, n: TrackingNumber, change: NumberChange, event: PoolEvent, at: number): void {
  const holder = change.holder!;
  holdNumber(
    state,
    n,
    { visitorId: holder.visitorId, sessionId: holder.sessionId, listingId: holder.listingId },
    'displayed',
  );
  if (holder.sessionId) state.sessions.get(holder.sessionId)?.holdings.set(holder.listingId, n.number);
  const reclaimed = event.type === 'NumberDisplayed' && event.data.reclaimed === true;
  countHandOut(state, at, reclaimed);
}

function lockedOrExtended(state: PoolState, n: TrackingNumber, change: NumberChange, event: PoolEvent): void {
  const holder = change.holder!;
  if (change.started === 2) {
    if (n.state === 'locked') endLock(state, n);
    holdNumber(
      state,
      n,
      { visitorId: holder.visitorId, sessionId: holder.sessionId, listingId: holder.listingId },
      'locked',
    );
    state.locks.set(holderKey(holder.visitorId, holder.listingId), n.number);
    state.listings.get(holder.listingId)?.locks.add(n.number);
  } else if (n.holder) n.holder.sessionId = holder.sessionId; // shown again in a newer session
  if (event.type !== 'NumberLocked' || change.lockedUntil === undefined) return;
  n.lockedUntil = Math.max(n.lockedUntil, Date.parse(change.lockedUntil));
  n.lastCallSid = event.data.callSid;
  state.lockExpiries.remove(n);
  state.lockExpiries.insertSorted(n, (x) => x.lockedUntil);
}

function servesListing(state: PoolState, n: TrackingNumber, listingId: string): void {
  const listing = state.listings.get(listingId);
  if (!listing) return;
  if (n.state === 'locked') endLock(state, n);
  detachNumber(state, n);
  n.holder = null;
  n.listingId = listingId;
  setNumberState(state, n, 'listing');
  listing.number = n.number;
}

function endLock(state: PoolState, n: TrackingNumber): void {
  state.lockExpiries.remove(n);
  if (!n.holder) return;
  const key = holderKey(n.holder.visitorId, n.holder.listingId);
  if (state.locks.get(key) === n.number) state.locks.delete(key);
  state.listings.get(n.holder.listingId)?.locks.delete(n.number);
  n.lockedUntil = 0;
}

function released(state: PoolState, n: TrackingNumber): void {
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
}
