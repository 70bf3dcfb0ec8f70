import { NumberHolder } from './number-lifecycle';
import { NumberRecord } from './number-record';

/**
 * Who a call on a number may be about (DESIGN.md, attribution rules): its
 * current holder, and every earlier holder whose holding ended within the
 * attribution window, newest first, each with a confidence:
 * - on screen right now: certain;
 * - Pool 2: shown only to the visitor who called it, but a saved number can be
 *   passed on (a partner calls back), hence just under certain;
 * - freed: starts a little under the locked case and halves every half-life;
 *   past the window nobody is credited.
 */
export interface CandidatePolicy {
  windowSeconds: number;
  halfLifeSeconds: number;
}

export type CandidateBasis = 'holder' | 'last_holder';

export interface CallCandidate extends NumberHolder {
  confidence: number;
  basis: CandidateBasis;
}

export const DISPLAYED_CONFIDENCE = 1;
export const LOCKED_CONFIDENCE = 0.95;
export const RELEASED_START_CONFIDENCE = 0.9;
/** A caller recognised by caller ID as one of the candidates. */
export const CALLER_ID_CONFIDENCE = 0.9;

export function lateCallConfidence(secondsSinceEnd: number, policy: CandidatePolicy): number {
  if (secondsSinceEnd > policy.windowSeconds) return 0;
  const elapsed = Math.max(0, secondsSinceEnd);
  return round(RELEASED_START_CONFIDENCE * Math.pow(0.5, elapsed / policy.halfLifeSeconds));
}

/** A Pool 2 lock has one candidate, its visitor: a locked number is shown to nobody else. */
export function callCandidates(
  record: NumberRecord | undefined,
  now: number,
  policy: CandidatePolicy,
): CallCandidate[] {
  if (!record || record.state === 'released' || record.state === 'listing') return [];
  const candidates: CallCandidate[] = [];
  if (record.holder && (record.state === 'displayed' || record.state === 'locked')) {
    const confidence = record.state === 'displayed' ? DISPLAYED_CONFIDENCE : LOCKED_CONFIDENCE;
    candidates.push({ ...holderOf(record.holder), confidence, basis: 'holder' });
    if (record.state === 'locked') return candidates;
  }
  for (const past of record.past) {
    const confidence = lateCallConfidence((now - Date.parse(past.endedAt)) / 1000, policy);
    if (confidence === 0) break;
    if (candidates.some((c) => c.visitorId === past.visitorId && c.listingId === past.listingId)) continue;
    candidates.push({ ...holderOf(past), confidence, basis: 'last_holder' });
  }
  return candidates;
}

/**
 * Ambiguous: the candidates name more than one listing and those listings do
 * not all ring the same phone. (Two listings of one dealer ringing one line
 * need no question: the call reaches the right person either way.)
 */
export function isAmbiguous(
  candidates: CallCandidate[],
  forwardToOf: (listingId: string) => string | undefined,
): boolean {
  const listings = new Set(candidates.map((c) => c.listingId));
  if (listings.size < 2) return false;
  const phones = new Set([...listings].map((listingId) => forwardToOf(listingId) ?? `unknown:${listingId}`));
  return phones.size > 1;
}

/** One option per listing, most likely first, at most `max`: what the caller menu offers. */
export function menuOptions(candidates: CallCandidate[], max = 3): CallCandidate[] {
  const byListing = new Map<string, CallCandidate>();
  for (const candidate of [...candidates].sort((a, b) => b.confidence - a.confidence))
    if (!byListing.has(candidate.listingId)) byListing.set(candidate.listingId, candidate);
  return [...byListing.values()].slice(0, max);
}

/** The candidate a known caller is: one whose visitor this caller was attributed to before. */
export function recognisedCaller(
  candidates: CallCandidate[],
  visitorsOfCaller: readonly string[],
): CallCandidate | null {
  for (const visitorId of visitorsOfCaller) {
    const match = candidates.find((c) => c.visitorId === visitorId);
    if (match) return { ...match, confidence: Math.max(match.confidence, CALLER_ID_CONFIDENCE) };
  }
  return null;
}

function holderOf(h: NumberHolder): NumberHolder {
  return { visitorId: h.visitorId, sessionId: h.sessionId, listingId: h.listingId, dealerId: h.dealerId ?? null };
}

function round(value: number): number {
  return Math.round(value * 10000) / 10000;
}
