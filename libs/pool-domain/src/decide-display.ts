import type { EventData } from '@callpool/contracts';
import { DisplayNumber, RecordPageView } from './commands';
import { displayLimit, sessionRefusal } from './abuse-limits';
import { listingNotFound, listingSold } from './errors';
import { iso, PoolEvent, poolEvent } from './events';
import { pickFreeNumber } from './pick-free';
import { PoolPolicy } from './policy';
import { holderKey, Listing, ownedCount, PoolState, TrackingNumber } from './state';

type Displayed = EventData<'NumberDisplayed'>;

/**
 * Which number a visitor sees on a listing page, in order: their Pool 2 lock
 * on it; the listing-level number of a standard listing; the number this
 * session already shows for it; a free number by the reuse policy; else
 * overflow (listing-level number or the dealer's own line), never an error.
 * Overflow too, before any number is taken, beyond an abuse limit (abuse-limits.ts).
 */
export function decideDisplay(cmd: DisplayNumber, state: PoolState, now: number, policy: PoolPolicy): PoolEvent[] {
  const listing = state.listings.get(cmd.listingId);
  if (!listing) throw listingNotFound(cmd.listingId);
  if (listing.sold) throw listingSold(cmd.listingId);
  const session = state.sessions.get(cmd.sessionId);
  const limit = displayLimit(cmd, session, state, policy);
  const base = {
    visitorId: cmd.visitorId,
    sessionId: cmd.sessionId,
    listingId: cmd.listingId,
    dealerId: listing.dealerId,
    expiresAt: iso(now + policy.sessionIdleMs),
    sessionStarted: session === undefined && limit === null,
    ...(cmd.context && Object.keys(cmd.context).length > 0 ? { context: cmd.context } : {}),
  };
  const answer = (fields: Pick<Displayed, 'number' | 'pool' | 'attribution'> & Partial<Displayed>) =>
    poolEvent('NumberDisplayed', { ...base, assignmentStarted: false, ...fields }, now);

  const lockedNumber = state.numbers.get(state.locks.get(holderKey(cmd.visitorId, cmd.listingId)) ?? '');
  if (lockedNumber?.state === 'locked') {
    return [
      answer({
        number: lockedNumber.number,
        pool: 'locked',
        attribution: 'visitor',
        expiresAt: iso(lockedNumber.lockedUntil),
      }),
    ];
  }
  if (limit) return [overflow(listing, answer, limit)];
  if (listing.tier === 'standard') return displayListingNumber(listing, state, now, answer);

  const held = session?.holdings.get(cmd.listingId);
  if (held !== undefined) return [answer({ number: held, pool: 'session', attribution: 'visitor' })];

  const free = pickFreeNumber(state, cmd.listingId, cmd.visitorId);
  if (free)
    return [answer({ pool: 'session', attribution: 'visitor', assignmentStarted: true, ...handOut(free, cmd, now) })];
  return [overflow(listing, answer, ownedCount(state) >= policy.poolMax ? 'pool_max' : 'pool_empty')];
}

/**
 * A number handed to a new holder says how long it rested since its last
 * holding ended (`cooledSeconds`) and whether it was taken before its
 * cool-down was over (`reclaimed`): how much cool-down the budget bought.
 */
function handOut(
  n: TrackingNumber,
  cmd: DisplayNumber,
  now: number,
): Pick<Displayed, 'number' | 'cooledSeconds' | 'reclaimed'> {
  if (n.lastUsedAt === -Infinity) return { number: n.number };
  const backToItsHolder = n.lastHolder?.visitorId === cmd.visitorId && n.lastListingId === cmd.listingId;
  return {
    number: n.number,
    cooledSeconds: Math.max(0, Math.floor((now - n.lastUsedAt) / 1000)),
    ...(n.state === 'cooling' && !backToItsHolder ? { reclaimed: true } : {}),
  };
}

function displayListingNumber(
  listing: Listing,
  state: PoolState,
  now: number,
  answer: (fields: Pick<Displayed, 'number' | 'pool' | 'attribution'> & Partial<Displayed>) => PoolEvent,
): PoolEvent[] {
  if (listing.number) return [answer({ number: listing.number, pool: 'listing', attribution: 'listing' })];
  const free = pickFreeNumber(state, listing.listingId, null);
  if (!free) return [overflow(listing, answer, 'listing_number_pending')];
  return [
    poolEvent(
      'ListingNumberAssigned',
      { listingId: listing.listingId, dealerId: listing.dealerId, number: free.number },
      now,
    ),
    answer({ number: free.number, pool: 'listing', attribution: 'listing' }),
  ];
}

function overflow(
  listing: Listing,
  answer: (fields: Pick<Displayed, 'number' | 'pool' | 'attribution'> & Partial<Displayed>) => PoolEvent,
  overflowReason: NonNullable<Displayed['overflowReason']>,
): PoolEvent {
  return listing.number
    ? answer({ number: listing.number, pool: 'overflow', attribution: 'listing', overflowReason })
    : answer({ number: listing.forwardTo, pool: 'overflow', attribution: 'none', overflowReason });
}

/**
 * A page view keeps the session alive; it is written to callpool.web-events.
 * One that may not open its session (an abuse limit) is recorded all the same, marked.
 */
export function decidePageView(cmd: RecordPageView, state: PoolState, now: number, policy: PoolPolicy): PoolEvent[] {
  const { visitorId, sessionId, url, action, listingId } = cmd;
  const sessionRefused = sessionRefusal(cmd, state, policy);
  return [
    poolEvent(
      'PageViewed',
      {
        ...{ visitorId, sessionId, url, action },
        ...(listingId ? { listingId } : {}),
        ...(sessionRefused ? { sessionRefused } : {}),
      },
      now,
    ),
  ];
}
