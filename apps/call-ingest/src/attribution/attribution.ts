import type { Attribution, EventData } from '@callpool/contracts';
import {
  CallCandidate,
  callCandidates,
  CandidatePolicy,
  isAmbiguous,
  lateCallConfidence,
  menuOptions,
  recognisedCaller,
} from '@callpool/pool-domain';
import { HolderView, listingOfNumber, visitorsOfCaller } from './holder-view';

export { lateCallConfidence };

export interface AttributionPolicy extends CandidatePolicy {
  /** Rings when no listing is known for the number. */
  mainLine: string;
  /** Ask the caller when the candidates ring different dealers (CALLER_MENU). */
  callerMenu?: boolean;
}

export type HolderStateSeen = EventData<'CallReceived'>['holderState'];
export type ResolvedBy = NonNullable<EventData<'CallReceived'>['resolvedBy']>;
export type MenuOption = NonNullable<EventData<'CallReceived'>['menu']>[number];

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
  resolvedBy: ResolvedBy;
  candidates: number;
  /** Set when the caller is asked: the options, most likely first (the attribution above is the first). */
  menu?: MenuOption[];
}

/**
 * Who a call on `trackingNumber` at `now` is put down to, and which phone
 * rings (DESIGN.md, attribution rules): a listing-level number → its listing;
 * one candidate → that one; several that ring different dealers → a caller
 * recognised by caller ID is that visitor, else the caller is asked (when the
 * menu is on) or the most likely candidate is taken; none → nobody credited,
 * ringing the last holder's listing if any, else the directory's main line.
 */
export function attributeCall(
  view: HolderView,
  trackingNumber: string,
  now: Date,
  policy: AttributionPolicy,
  caller = '',
): CallAttribution {
  const listingId = listingOfNumber(view, trackingNumber);
  if (listingId !== null) return listingLevel(view, listingId, policy);
  const record = view.numbers.get(trackingNumber);
  const holderState = seenState(record?.state);
  const candidates = callCandidates(record, now.getTime(), policy);
  if (candidates.length === 0) return unattributed(view, record?.past[0]?.listingId ?? null, holderState, policy);
  const forwardToOf = (id: string) => view.listings.get(id)?.forwardTo;
  const ambiguous = isAmbiguous(candidates, forwardToOf);
  const top = candidates[0];
  const settled = (c: CallCandidate, resolvedBy: ResolvedBy) =>
    toVisitor(view, c, holderState, policy, resolvedBy, candidates.length);
  if (!ambiguous) return settled(top, top.basis);
  const known = recognisedCaller(candidates, visitorsOfCaller(view, caller));
  if (known) return settled(known, 'caller_id');
  if (!policy.callerMenu) return settled(top, top.basis);
  const options = menuOptions(candidates);
  const menu = options.map((c, i) => menuOption(view, c, i, policy));
  return { ...settled(options[0], 'no_input'), menu };
}

/** The attribution a menu choice (or its absence) settles on. */
export function chosen(
  answered: CallAttribution,
  digit: string | undefined,
): { option: MenuOption; resolvedBy: 'caller_choice' | 'no_input' } | null {
  const menu = answered.menu;
  if (!menu || menu.length === 0) return null;
  const pressed = digit === undefined ? undefined : menu.find((option) => option.digit === digit);
  return pressed ? { option: pressed, resolvedBy: 'caller_choice' } : { option: menu[0], resolvedBy: 'no_input' };
}

function menuOption(view: HolderView, c: CallCandidate, index: number, policy: AttributionPolicy): MenuOption {
  return {
    digit: String(index + 1),
    visitorId: c.visitorId,
    sessionId: c.sessionId,
    listingId: c.listingId,
    dealerId: c.dealerId ?? view.listings.get(c.listingId)?.dealerId ?? null,
    confidence: c.confidence,
    routedTo: view.listings.get(c.listingId)?.forwardTo ?? policy.mainLine,
  };
}

function seenState(state: string | undefined): HolderStateSeen {
  return state === 'displayed' || state === 'locked' || state === 'cooling' || state === 'available'
    ? state
    : 'unknown';
}

function toVisitor(
  view: HolderView,
  c: CallCandidate,
  holderState: HolderStateSeen,
  policy: AttributionPolicy,
  resolvedBy: ResolvedBy,
  candidates: number,
): CallAttribution {
  const listing = view.listings.get(c.listingId);
  return {
    attribution: 'visitor',
    confidence: c.confidence,
    holderState,
    visitorId: c.visitorId,
    sessionId: c.sessionId,
    listingId: c.listingId,
    dealerId: c.dealerId ?? listing?.dealerId ?? null,
    routedTo: listing?.forwardTo ?? policy.mainLine,
    resolvedBy,
    candidates,
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
    resolvedBy: 'holder',
    candidates: 0,
  };
}

/** Nobody credited; the last holder's dealer still rings (a late caller most likely wants them). */
function unattributed(
  view: HolderView,
  lastListingId: string | null,
  holderState: HolderStateSeen,
  policy: AttributionPolicy,
): CallAttribution {
  const listing = lastListingId ? view.listings.get(lastListingId) : undefined;
  return {
    attribution: 'none',
    confidence: 0,
    holderState,
    visitorId: null,
    sessionId: null,
    listingId: listing ? lastListingId : null,
    dealerId: listing?.dealerId ?? null,
    routedTo: listing?.forwardTo ?? policy.mainLine,
    resolvedBy: 'none',
    candidates: 0,
  };
}
