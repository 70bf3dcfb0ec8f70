import { PoolEvent, PoolEventOf } from '../events';
import type { NumberState } from '../state';

/**
 * The life of one tracking number, written once for all three services:
 *
 *   provisioned → available → displayed (Pool 1) → cooling → available → ...
 *                                   └─ called → locked (Pool 2) → cooling
 *   any free state → listing (a standard listing's own number); any → released
 *
 * `numberChanges` says what an allocation event does to the numbers it names,
 * given what each service knows of them (`statusOf`). The allocator applies the
 * changes to its pool (with its indexes), call-ingest to its routing view (with
 * the holders a late call may be about), the projector to its rows. A change
 * that no longer applies (a redelivery, a number moved on since) is no change,
 * so every fold is idempotent.
 */
export interface NumberHolder {
  visitorId: string;
  sessionId: string | null;
  listingId: string;
  dealerId?: string | null;
}

export interface NumberStatus {
  state: NumberState;
  holder: NumberHolder | null;
}

/** Why a holding ended. */
export type HoldingEnd = 'session_expired' | 'called' | 'lock_expired' | 'listing_sold' | 'reassigned' | 'released';

export interface NumberChange {
  number: string;
  /** The state before; null for a number never seen. */
  from: NumberState | null;
  to: NumberState;
  /** The holder from now on (displayed or locked), else null. */
  holder: NumberHolder | null;
  /** A holding that ended with this change, and why. */
  ended: { holder: NumberHolder; reason: HoldingEnd } | null;
  /** A new holding started: Pool 1 (displayed) or Pool 2 (locked). */
  started: 1 | 2 | null;
  at: string;
  /** cooling: when the cool-down target is reached (epoch ms). */
  coolingUntil?: number;
  /** locked: the lock's end as the event states it (a later call extends it). */
  lockedUntil?: string;
  /** listing: the standard listing the number now serves. */
  listingId?: string;
}

type StatusOf = (number: string) => NumberStatus | undefined;

export function numberChanges(event: PoolEvent, statusOf: StatusOf): NumberChange[] {
  const at = event.occurredAt;
  switch (event.type) {
    case 'NumberProvisioned':
      return provisioned(event, statusOf, at);
    case 'NumberDisplayed':
      return displayed(event, statusOf, at);
    case 'SessionExpired':
      return sessionExpired(event, statusOf, at);
    case 'NumberCooledDown': {
      const current = statusOf(event.data.number);
      if (current?.state !== 'cooling') return [];
      return [change(event.data.number, current, 'available', null, null, at)];
    }
    case 'NumberLocked':
      return locked(event, statusOf, at);
    case 'NumberUnlocked': {
      const current = statusOf(event.data.number);
      if (current?.state !== 'locked') return [];
      const reason = event.data.reason === 'listing_sold' ? 'listing_sold' : 'lock_expired';
      return [
        {
          ...change(event.data.number, current, 'cooling', null, ending(current, reason), at),
          coolingUntil: Date.parse(event.data.coolingUntil),
        },
      ];
    }
    case 'ListingNumberAssigned': {
      // A number the fold has not seen (a log that starts later) is taken at its word: the listing's now.
      const current = statusOf(event.data.number) ?? { state: 'available', holder: null };
      if (current.state === 'released') return [];
      const next = change(event.data.number, current, 'listing', null, ending(current, 'reassigned'), at);
      return [{ ...next, listingId: event.data.listingId }];
    }
    case 'NumberReleased': {
      const current = statusOf(event.data.number);
      if (!current || current.state === 'released') return [];
      return [change(event.data.number, current, 'released', null, ending(current, 'released'), at)];
    }
    default:
      return [];
  }
}

function provisioned(event: PoolEventOf<'NumberProvisioned'>, statusOf: StatusOf, at: string): NumberChange[] {
  const current = statusOf(event.data.number);
  if (current && current.state !== 'released') return [];
  return [
    {
      number: event.data.number,
      from: current?.state ?? null,
      to: 'available',
      holder: null,
      ended: null,
      started: null,
      at,
    },
  ];
}

/**
 * A `session` answer that starts a holding takes the number (free, or cooling
 * when the cool-down is cut short); a `locked` answer shows the lock's number
 * to its visitor again, in their newest session (the best guess for a call).
 * Listing-level and overflow answers show a shared number: nobody holds it.
 */
function displayed(event: PoolEventOf<'NumberDisplayed'>, statusOf: StatusOf, at: string): NumberChange[] {
  const { data } = event;
  const current = statusOf(data.number);
  if (!current) return [];
  const holder = {
    visitorId: data.visitorId,
    sessionId: data.sessionId,
    listingId: data.listingId,
    dealerId: data.dealerId,
  };
  if (data.pool === 'locked') {
    if (current.state !== 'locked' || !sameHolding(current.holder, holder)) return [];
    if (current.holder?.sessionId === data.sessionId) return [];
    return [change(data.number, current, 'locked', holder, null, at)];
  }
  if (data.pool !== 'session') return [];
  if (current.state === 'released' || current.state === 'listing' || current.state === 'locked') return [];
  const same =
    current.state === 'displayed' &&
    sameHolding(current.holder, holder) &&
    current.holder?.sessionId === data.sessionId;
  if (same) return [];
  return [{ ...change(data.number, current, 'displayed', holder, ending(current, 'reassigned'), at), started: 1 }];
}

/** Only the numbers the session still shows start cooling: one called meanwhile is Pool 2 now. */
function sessionExpired(event: PoolEventOf<'SessionExpired'>, statusOf: StatusOf, at: string): NumberChange[] {
  const changes: NumberChange[] = [];
  for (const cooling of event.data.numbersCooling) {
    const current = statusOf(cooling.number);
    if (current?.state !== 'displayed' || current.holder?.sessionId !== event.data.sessionId) continue;
    const next = change(cooling.number, current, 'cooling', null, ending(current, 'session_expired'), at);
    changes.push({ ...next, coolingUntil: Date.parse(cooling.coolingUntil) });
  }
  return changes;
}

/** A call locks the number to its caller: a new Pool 2 holding, or the same lock extended. */
function locked(event: PoolEventOf<'NumberLocked'>, statusOf: StatusOf, at: string): NumberChange[] {
  const { data } = event;
  const current = statusOf(data.number);
  if (!current || current.state === 'released' || current.state === 'listing') return [];
  const holder = {
    visitorId: data.visitorId,
    sessionId: data.sessionId,
    listingId: data.listingId,
    dealerId: data.dealerId,
  };
  const sameLock = current.state === 'locked' && sameHolding(current.holder, holder);
  const kept = sameLock ? (current.holder as NumberHolder) : holder;
  const endReason = current.state === 'displayed' && sameHolding(current.holder, holder) ? 'called' : 'reassigned';
  return [
    {
      ...change(data.number, current, 'locked', kept, sameLock ? null : ending(current, endReason), at),
      started: sameLock ? null : 2,
      lockedUntil: data.lockedUntil,
    },
  ];
}

function change(
  number: string,
  current: NumberStatus,
  to: NumberState,
  holder: NumberHolder | null,
  ended: NumberChange['ended'],
  at: string,
): NumberChange {
  return { number, from: current.state, to, holder, ended, started: null, at };
}

/** The holding `current` ends, if it has one. */
function ending(current: NumberStatus, reason: HoldingEnd): NumberChange['ended'] {
  const holds = current.state === 'displayed' || current.state === 'locked';
  return holds && current.holder ? { holder: current.holder, reason } : null;
}

export function sameHolding(a: NumberHolder | null, b: NumberHolder | null): boolean {
  return a !== null && b !== null && a.visitorId === b.visitorId && a.listingId === b.listingId;
}
