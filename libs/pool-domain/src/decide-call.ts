import { RecordCall } from './commands';
import { iso, PoolEvent, poolEvent } from './events';
import { PoolPolicy } from './policy';
import { Holder, PoolState, TrackingNumber } from './state';

/**
 * A call locks the number to (visitor, listing) for LOCK_DAYS after the call,
 * but only if the number is still with that holder: displayed to them, already
 * locked to them, or cooling/free with them as its last holder. A number that
 * has been handed to someone else since, a sold listing, a call whose lock
 * would already have run out, or a redelivered call (nothing to extend) decide
 * nothing: that makes the rule idempotent under replays and redeliveries.
 */
export function decideCall(cmd: RecordCall, state: PoolState, now: number, policy: PoolPolicy): PoolEvent[] {
  const { call } = cmd;
  if (call.visitorId === null || call.listingId === null) return [];
  const n = state.numbers.get(call.trackingNumber);
  if (!n || !heldBy(n, call.visitorId, call.listingId)) return [];
  const listing = state.listings.get(call.listingId);
  if (!listing || listing.sold) return [];
  const lockedUntil = Date.parse(call.startedAt) + policy.lockMs;
  if (lockedUntil <= now) return [];
  const extended = n.state === 'locked';
  if (extended && lockedUntil <= n.lockedUntil) return [];
  return [
    poolEvent(
      'NumberLocked',
      {
        number: n.number,
        visitorId: call.visitorId,
        sessionId: call.sessionId ?? sessionOf(n.holder ?? n.lastHolder),
        listingId: call.listingId,
        dealerId: listing.dealerId,
        callSid: call.callSid,
        lockedUntil: iso(lockedUntil),
        extended,
        previousState: n.state as 'displayed' | 'cooling' | 'available' | 'locked',
        ...(cmd.eventId ? { callEventId: cmd.eventId } : {}),
      },
      now,
    ),
  ];
}

function heldBy(n: TrackingNumber, visitorId: string, listingId: string): boolean {
  if (n.state === 'displayed' || n.state === 'locked') return matches(n.holder, visitorId, listingId);
  if (n.state === 'cooling' || n.state === 'available') return matches(n.lastHolder, visitorId, listingId);
  return false;
}

function matches(holder: Holder | null, visitorId: string, listingId: string): boolean {
  return holder !== null && holder.visitorId === visitorId && holder.listingId === listingId;
}

function sessionOf(holder: Holder | null): string | null {
  return holder?.sessionId ?? null;
}
