import type { Attribution } from '@callpool/contracts';
import type { Holder, HolderView, TrackedNumber } from './holder-view';

export interface AttributionPolicy {
  /** Rings when no listing is known for the number. */
  mainLine: string;
  /** A call later than this after the holding ended is no longer put down to the holder. */
  windowSeconds: number;
  /** The confidence of a late call halves every this many seconds. */
  halfLifeSeconds: number;
}

export type HolderStateSeen = 'displayed' | 'locked' | 'cooling' | 'available' | 'listing' | 'unknown';

export interface CallAttribution {
  attribution: Attribution;
  confidence: number;
  holderState: HolderStateSeen;
  visitorId: string | null;
  sessionId: string | null;
  listingId: string | null;
  dealerId: string | null;
  /** The phone the call is dialled through to. */
  routedTo: string;
}

/**
 * Confidence by case (docs in apps/call-ingest/README.md):
 * - on screen right now: certain;
 * - Pool 2: shown only to the visitor who called it, but a saved number can be
 *   passed on (a partner calls back), hence just under certain;
 * - freed: starts a little under the locked case (no longer on anyone's screen)
 *   and halves every half-life; past the window nobody is credited.
 */
export const DISPLAYED_CONFIDENCE = 1;
export const LOCKED_CONFIDENCE = 0.95;
export const RELEASED_START_CONFIDENCE = 0.9;

export function lateCallConfidence(secondsSinceEnd: number, policy: AttributionPolicy): number {
  if (secondsSinceEnd > policy.windowSeconds) return 0;
  const elapsed = Math.max(0, secondsSinceEnd);
  return round(RELEASED_START_CONFIDENCE * Math.pow(0.5, elapsed / policy.halfLifeSeconds));
}

/** Who a call on `trackingNumber` at `now` is put down to, and which phone rings. */
export function attributeCall(
  view: HolderView,
  trackingNumber: string,
  now: Date,
  policy: AttributionPolicy,
): CallAttribution {
  const listingId = view.listingNumbers.get(trackingNumber);
  if (listingId !== undefined) return listingLevel(view, listingId, policy);
  const tracked = view.numbers.get(trackingNumber);
  if (!tracked) return unattributed(view, null, 'unknown', policy);
  if (tracked.holder && (tracked.status === 'displayed' || tracked.status === 'locked')) {
    const confidence = tracked.status === 'displayed' ? DISPLAYED_CONFIDENCE : LOCKED_CONFIDENCE;
    return toVisitor(view, tracked.holder, confidence, tracked.status, policy);
  }
  return lateCall(view, tracked, now, policy);
}

function lateCall(view: HolderView, tracked: TrackedNumber, now: Date, policy: AttributionPolicy): CallAttribution {
  // A number given back to Twilio is not ours any more: nobody is credited, but its last dealer still rings.
  const state: HolderStateSeen =
    tracked.status === 'cooling' ? 'cooling' : tracked.status === 'available' ? 'available' : 'unknown';
  const last = tracked.lastHolder;
  if (!last) return unattributed(view, null, state, policy);
  if (tracked.status === 'released') return unattributed(view, last, state, policy);
  const confidence = lateCallConfidence((now.getTime() - Date.parse(last.endedAt)) / 1000, policy);
  if (confidence === 0) return unattributed(view, last, state, policy);
  return toVisitor(view, last, confidence, state, policy);
}

function toVisitor(
  view: HolderView,
  holder: Holder,
  confidence: number,
  holderState: HolderStateSeen,
  policy: AttributionPolicy,
): CallAttribution {
  const listing = view.listings.get(holder.listingId);
  return {
    attribution: 'visitor',
    confidence,
    holderState,
    visitorId: holder.visitorId,
    sessionId: holder.sessionId,
    listingId: holder.listingId,
    dealerId: holder.dealerId ?? listing?.dealerId ?? null,
    routedTo: listing?.forwardTo ?? policy.mainLine,
  };
}

function listingLevel(view: HolderView, listingId: string, policy: AttributionPolicy): CallAttribution {
  const listing = view.listings.get(listingId);
  return {
    attribution: 'listing',
    confidence: 1,
    holderState: 'listing',
    visitorId: null,
    sessionId: null,
    listingId,
    dealerId: listing?.dealerId ?? null,
    routedTo: listing?.forwardTo ?? policy.mainLine,
  };
}

/** Nobody credited; the last holder's dealer still rings (a late caller most likely wants them). */
function unattributed(
  view: HolderView,
  last: Holder | null,
  holderState: HolderStateSeen,
  policy: AttributionPolicy,
): CallAttribution {
  const listing = last ? view.listings.get(last.listingId) : undefined;
  return {
    attribution: 'none',
    confidence: 0,
    holderState,
    visitorId: null,
    sessionId: null,
    listingId: listing ? last!.listingId : null,
    dealerId: listing?.dealerId ?? null,
    routedTo: listing?.forwardTo ?? policy.mainLine,
  };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
