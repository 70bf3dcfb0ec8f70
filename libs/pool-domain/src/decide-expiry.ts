import { iso, PoolEvent, poolEvent } from './events';
import { PoolPolicy } from './policy';
import { PoolState, Session, TrackingNumber } from './state';

/**
 * Everything due up to `now`, in due-time order, each event stamped with its
 * own due time: session expiries, lock expiries, and cool-downs, including
 * cool-downs of numbers that start cooling within this same pass. Read-only:
 * it merges the three due lists (already sorted) with the cool-downs it
 * creates (sorted too, since every cool-down has the same length). At most
 * `policy.expiryBatchLimit` events; the caller folds them and asks again.
 */
export function decideExpiry(state: PoolState, now: number, policy: PoolPolicy): PoolEvent[] {
  const events: PoolEvent[] = [];
  const startedCooling: Array<{ number: string; until: number }> = [];
  let session = state.sessionExpiries.head;
  let lock = state.lockExpiries.head;
  let cooling = state.cooling.head;
  let fresh = 0;
  while (events.length < policy.expiryBatchLimit) {
    const sessionDue = session ? session.expiresAt : Infinity;
    const lockDue = lock ? lock.lockedUntil : Infinity;
    const coolingDue = cooling ? cooling.coolingUntil : Infinity;
    const freshDue = fresh < startedCooling.length ? startedCooling[fresh].until : Infinity;
    const due = Math.min(sessionDue, lockDue, coolingDue, freshDue);
    if (due > now) break;
    if (session && sessionDue === due) {
      events.push(sessionExpired(session, state, policy, startedCooling));
      session = state.sessionExpiries.next(session);
    } else if (lock && lockDue === due) {
      events.push(lockExpired(lock, policy, startedCooling));
      lock = state.lockExpiries.next(lock);
    } else if (cooling && coolingDue === due) {
      events.push(poolEvent('NumberCooledDown', { number: cooling.number }, due));
      cooling = state.cooling.next(cooling);
    } else {
      events.push(poolEvent('NumberCooledDown', { number: startedCooling[fresh].number }, due));
      fresh++;
    }
  }
  return events;
}

function sessionExpired(
  session: Session,
  state: PoolState,
  policy: PoolPolicy,
  startedCooling: Array<{ number: string; until: number }>,
): PoolEvent {
  const due = session.expiresAt;
  const until = due + policy.cooldownMs;
  const numbersCooling: Array<{ number: string; listingId: string; coolingUntil: string }> = [];
  for (const [listingId, number] of session.holdings) {
    if (state.numbers.get(number)?.state !== 'displayed') continue;
    numbersCooling.push({ number, listingId, coolingUntil: iso(until) });
    startedCooling.push({ number, until });
  }
  return poolEvent(
    'SessionExpired',
    { sessionId: session.sessionId, visitorId: session.visitorId, lastSeenAt: iso(session.lastSeenAt), numbersCooling },
    due,
  );
}

function lockExpired(
  n: TrackingNumber,
  policy: PoolPolicy,
  startedCooling: Array<{ number: string; until: number }>,
): PoolEvent {
  const due = n.lockedUntil;
  const until = due + policy.cooldownMs;
  startedCooling.push({ number: n.number, until });
  return poolEvent(
    'NumberUnlocked',
    {
      number: n.number,
      visitorId: n.holder?.visitorId ?? '',
      listingId: n.holder?.listingId ?? '',
      reason: 'lock_expired',
      coolingUntil: iso(until),
    },
    due,
  );
}
