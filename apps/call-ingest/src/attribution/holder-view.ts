import type { CallpoolEvent, Tier } from '@callpool/contracts';

/**
 * call-ingest's own fold of `callpool.allocations`: who holds (or last held)
 * each tracking number, and where each listing's calls go. Pure: no clock, no
 * I/O; the same events always give the same view, so a snapshot of it is as
 * good as a replay.
 */
export interface Holder {
  visitorId: string;
  sessionId: string | null;
  listingId: string;
  dealerId: string | null;
}

export type NumberStatus = 'available' | 'displayed' | 'locked' | 'cooling' | 'released';

export interface TrackedNumber {
  status: NumberStatus;
  /** Set while displayed or locked. */
  holder: Holder | null;
  /** The holder before the current stretch ended, and when it ended: late callers are put down to them. */
  lastHolder: (Holder & { endedAt: string }) | null;
}

export interface ListingRoute {
  dealerId: string;
  forwardTo: string;
  tier: Tier;
  sold: boolean;
}

export interface HolderView {
  numbers: Map<string, TrackedNumber>;
  listings: Map<string, ListingRoute>;
  /** Standard-tier listing-level numbers → their listing. */
  listingNumbers: Map<string, string>;
  /** Newest event time folded in: a manual clock never starts behind it. */
  newestEventAt: string | null;
}

export function emptyView(): HolderView {
  return { numbers: new Map(), listings: new Map(), listingNumbers: new Map(), newestEventAt: null };
}

/** Folds one event in, mutating the view (it is large and only ever owned by one feed). */
export function applyEvent(view: HolderView, event: CallpoolEvent): void {
  if (!view.newestEventAt || event.occurredAt > view.newestEventAt) view.newestEventAt = event.occurredAt;
  switch (event.type) {
    case 'ListingRegistered': {
      const sold = view.listings.get(event.data.listingId)?.sold ?? false;
      const { dealerId, forwardTo, tier } = event.data;
      view.listings.set(event.data.listingId, { dealerId, forwardTo, tier, sold });
      return;
    }
    case 'ListingNumberAssigned':
      view.listingNumbers.set(event.data.number, event.data.listingId);
      return;
    case 'ListingSold': {
      const listing = view.listings.get(event.data.listingId);
      if (listing) listing.sold = true;
      return;
    }
    case 'NumberProvisioned':
      // A number bought back after a release starts afresh: no longer a sold listing's listing-level number.
      view.listingNumbers.delete(event.data.number);
      track(view, event.data.number).status = 'available';
      return;
    case 'NumberDisplayed':
      return applyDisplay(view, event.data);
    case 'SessionExpired':
      for (const cooling of event.data.numbersCooling)
        endHolding(
          view,
          cooling.number,
          'cooling',
          event.occurredAt,
          (t) => t.status === 'displayed' && t.holder?.sessionId === event.data.sessionId,
        );
      return;
    case 'NumberCooledDown':
      setStatusKeepingHolders(view, event.data.number, 'available');
      return;
    case 'NumberLocked': {
      const { number, visitorId, sessionId, listingId, dealerId } = event.data;
      const tracked = track(view, number);
      tracked.status = 'locked';
      tracked.holder = { visitorId, sessionId, listingId, dealerId };
      return;
    }
    case 'NumberUnlocked':
      endHolding(view, event.data.number, 'cooling', event.occurredAt, () => true);
      return;
    case 'NumberReleased':
      view.listingNumbers.delete(event.data.number);
      endHolding(view, event.data.number, 'released', event.occurredAt, () => true);
      return;
    case 'NumberProvisioningFailed':
    case 'CallReceived':
    case 'CallCompleted':
    case 'DealerDialEnded':
    case 'PageViewed':
      return;
    default: {
      const exhaustive: never = event;
      return exhaustive;
    }
  }
}

type DisplayData = Extract<CallpoolEvent, { type: 'NumberDisplayed' }>['data'];

function applyDisplay(view: HolderView, display: DisplayData): void {
  // Listing-level and overflow answers show a shared number (or the dealer's own): nobody holds it.
  if (display.pool !== 'session' && display.pool !== 'locked') return;
  const tracked = track(view, display.number);
  const holder = {
    visitorId: display.visitorId,
    sessionId: display.sessionId,
    listingId: display.listingId,
    dealerId: display.dealerId,
  };
  // A locked number shown again keeps its lock; the newest session is the best guess for a call.
  tracked.status = display.pool === 'locked' ? 'locked' : 'displayed';
  tracked.holder = holder;
}

function endHolding(
  view: HolderView,
  number: string,
  status: NumberStatus,
  endedAt: string,
  endsThisHolding: (tracked: TrackedNumber) => boolean,
): void {
  const tracked = track(view, number);
  // A session's expiry must not undo a lock taken since (the number moved to Pool 2).
  if (tracked.holder && !endsThisHolding(tracked)) return;
  if (tracked.holder) tracked.lastHolder = { ...tracked.holder, endedAt };
  tracked.holder = null;
  tracked.status = status;
}

function setStatusKeepingHolders(view: HolderView, number: string, status: NumberStatus): void {
  const tracked = track(view, number);
  if (tracked.status === 'cooling') tracked.status = status;
}

function track(view: HolderView, number: string): TrackedNumber {
  let tracked = view.numbers.get(number);
  if (!tracked) {
    tracked = { status: 'available', holder: null, lastHolder: null };
    view.numbers.set(number, tracked);
  }
  return tracked;
}
