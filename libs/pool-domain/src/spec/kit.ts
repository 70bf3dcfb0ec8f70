import type { EventData } from '@callpool/contracts';
import { PoolCommand } from '../commands';
import { decide } from '../decide';
import { iso, PoolEvent, poolEvent } from '../events';
import { evolve } from '../evolve';
import { PoolPolicy, poolPolicy } from '../policy';
import { createPoolState, PoolState } from '../state';

/**
 * given(events) / when(command) / then(events) for the pool's unit specs.
 * `given` folds events into a fresh state; `when` decides one command at a
 * time and, like the service, folds what it decided before the next one.
 */
export const T0 = Date.parse('2026-01-05T10:00:00.000Z');
export const MIN = 60_000;
export const DAY = 24 * 60 * MIN;
export const at = (minutes: number) => T0 + minutes * MIN;

export const specPolicy = poolPolicy({
  sessionIdleMs: 10 * MIN,
  cooldownMs: 30 * MIN,
  lockMs: 30 * DAY,
  poolFloor: 4,
  poolMax: 10,
  listingsPerSession: 5,
  minSessionsObserved: 3,
  provisionStep: 3,
  provisionRatePerMinute: 5,
  minFree: 1,
});

export interface Scenario {
  state: PoolState;
  policy: PoolPolicy;
  when(command: PoolCommand, now: number): PoolEvent[];
}

export function given(events: PoolEvent[], policy: PoolPolicy = specPolicy): Scenario {
  const state = createPoolState(policy);
  for (const event of events) evolve(state, event);
  return {
    state,
    policy,
    when(command, now) {
      const decided = decide(command, state, now, policy);
      for (const event of decided) evolve(state, event);
      return decided;
    },
  };
}

export const FORWARD_TO = '+15557654321';
export const num = (i: number) => `+1415555${String(i).padStart(4, '0')}`;

export const ev = {
  listing: (listingId: string, tier: 'premium' | 'standard' = 'premium', when = T0, dealerId = 'D-1') =>
    poolEvent('ListingRegistered', { listingId, dealerId, forwardTo: FORWARD_TO, tier }, when),
  provisioned: (i: number, when = T0) =>
    poolEvent(
      'NumberProvisioned',
      { number: num(i), sid: `PN${i}`, areaCode: '415', renewsAt: iso(when + 31 * DAY) },
      when,
    ),
  displayed: (
    d: { i: number; visitor: string; session: string; listing: string; when: number; started?: boolean },
    policy = specPolicy,
  ) =>
    poolEvent(
      'NumberDisplayed',
      {
        number: num(d.i),
        pool: 'session',
        attribution: 'visitor',
        visitorId: d.visitor,
        sessionId: d.session,
        listingId: d.listing,
        dealerId: 'D-1',
        expiresAt: iso(d.when + policy.sessionIdleMs),
        assignmentStarted: d.started ?? true,
      },
      d.when,
    ),
  /** The session ends at `when`; each [i, listing, until] number starts cooling until `until`. */
  expired: (
    visitor: string,
    session: string,
    lastSeenAt: number,
    cooling: Array<[number, string, number]>,
    when: number,
  ) =>
    poolEvent(
      'SessionExpired',
      {
        sessionId: session,
        visitorId: visitor,
        lastSeenAt: iso(lastSeenAt),
        numbersCooling: cooling.map(([i, listingId, until]) => ({
          number: num(i),
          listingId,
          coolingUntil: iso(until),
        })),
      },
      when,
    ),
  pageViewed: (visitor: string, session: string, when: number, listingId?: string) =>
    poolEvent(
      'PageViewed',
      { visitorId: visitor, sessionId: session, url: '/cars', action: 'view', ...(listingId ? { listingId } : {}) },
      when,
    ),
  locked: (i: number, visitor: string, listing: string, callAt: number, policy = specPolicy) =>
    poolEvent(
      'NumberLocked',
      {
        number: num(i),
        visitorId: visitor,
        sessionId: null,
        listingId: listing,
        dealerId: 'D-1',
        callSid: `CA${callAt}`,
        lockedUntil: iso(callAt + policy.lockMs),
      },
      callAt,
    ),
};

export function display(visitor: string, session: string, listing: string): PoolCommand {
  return { type: 'DisplayNumber', visitorId: visitor, sessionId: session, listingId: listing };
}

export function call(
  i: number,
  visitor: string | null,
  listing: string | null,
  startedAt: number,
  callSid = `CA${startedAt}`,
): PoolCommand {
  const data: EventData<'CallReceived'> = {
    callSid,
    trackingNumber: num(i),
    caller: '+15550001111',
    startedAt: iso(startedAt),
    attribution: 'visitor',
    confidence: 1,
    holderState: 'displayed',
    visitorId: visitor,
    sessionId: null,
    listingId: listing,
    dealerId: 'D-1',
    routedTo: FORWARD_TO,
  };
  return { type: 'RecordCall', call: data };
}

/** Just the parts a rule is about: type, the number involved and the event time. */
export function summary(events: PoolEvent[]): string[] {
  return events.map((e) =>
    `${e.type} ${'number' in e.data ? e.data.number : ''} @${(Date.parse(e.occurredAt) - T0) / MIN}m`.replace(
      '  ',
      ' ',
    ),
  );
}
