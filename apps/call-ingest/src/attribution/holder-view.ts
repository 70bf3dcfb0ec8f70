import { createHash } from 'node:crypto';
import type { CallpoolEvent, Tier } from '@callpool/contracts';
import { applyNumberChange, isPoolEvent, numberChanges, NumberRecord } from '@callpool/pool-domain';

/**
 * call-ingest's own fold of `callpool.allocations` (and of its calls): each
 * number's state, holder and recent past holders, by the lifecycle every
 * service shares (libs/pool-domain); where each listing's calls go and what a
 * caller hears for it; and which visitors each caller was put down to before.
 * Pure: no clock, no I/O; the same events always give the same view, so a
 * snapshot of it is as good as a replay.
 */
export interface ListingRoute {
  dealerId: string;
  forwardTo: string;
  tier: Tier;
  sold: boolean;
  title?: string;
  dealerName?: string;
}

export interface HolderView {
  numbers: Map<string, NumberRecord>;
  listings: Map<string, ListingRoute>;
  /** Caller key (a hash: caller numbers are personal data) → visitors their calls were put down to, newest first. */
  callers: Map<string, string[]>;
  /** Newest allocation event time folded in: a manual clock never starts behind it. */
  newestEventAt: string | null;
}

/** A caller recognised this many times over keeps the newest visitors only. */
const VISITORS_PER_CALLER = 5;

export function emptyView(): HolderView {
  return { numbers: new Map(), listings: new Map(), callers: new Map(), newestEventAt: null };
}

/** Folds one event in, mutating the view (it is large and only ever owned by one feed). */
export function applyEvent(view: HolderView, event: CallpoolEvent): void {
  if (event.type === 'CallReceived' || event.type === 'CallResolved') return rememberCaller(view, event);
  if (!isPoolEvent(event)) return;
  if (!view.newestEventAt || event.occurredAt > view.newestEventAt) view.newestEventAt = event.occurredAt;
  if (event.type === 'ListingRegistered') {
    const sold = view.listings.get(event.data.listingId)?.sold ?? false;
    const { dealerId, forwardTo, tier, title, dealerName } = event.data;
    view.listings.set(event.data.listingId, { dealerId, forwardTo, tier, sold, title, dealerName });
    return;
  }
  if (event.type === 'ListingSold') {
    const listing = view.listings.get(event.data.listingId);
    if (listing) listing.sold = true;
    return;
  }
  for (const change of numberChanges(event, (number) => view.numbers.get(number)))
    view.numbers.set(change.number, applyNumberChange(view.numbers.get(change.number), change));
}

/** The listing a standard-tier listing-level number serves, if it is one. */
export function listingOfNumber(view: HolderView, number: string): string | null {
  const record = view.numbers.get(number);
  return record?.state === 'listing' ? record.listingId : null;
}

/** Withheld or anonymous callers cannot be recognised. */
export function callerKey(caller: string): string | null {
  const digits = caller.replace(/[^\d+]/g, '');
  if (digits.replace(/\D/g, '').length < 6) return null;
  return createHash('sha256').update(digits).digest('hex').slice(0, 24);
}

export function visitorsOfCaller(view: HolderView, caller: string): readonly string[] {
  const key = callerKey(caller);
  return (key && view.callers.get(key)) || [];
}

/** A call put down to a visitor: that visitor's later calls from the same phone can be recognised. */
function rememberCaller(
  view: HolderView,
  event: Extract<CallpoolEvent, { type: 'CallReceived' | 'CallResolved' }>,
): void {
  const { visitorId, attribution, caller } = event.data;
  if (attribution !== 'visitor' || !visitorId || event.data.resolvedBy === 'no_input') return;
  if (event.type === 'CallReceived' && event.data.menu) return; // the caller's choice decides, not the first option
  const key = caller ? callerKey(caller) : null;
  if (!key) return;
  const visitors = [visitorId, ...(view.callers.get(key) ?? []).filter((v) => v !== visitorId)];
  view.callers.set(key, visitors.slice(0, VISITORS_PER_CALLER));
}
