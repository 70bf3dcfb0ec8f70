import { CallpoolEvent, EventData, EventType, newEvent } from '@callpool/contracts';
import { History } from './hand-made-history';

/**
 * A deterministic, busier history for crash and rebuild comparisons: sessions
 * every 15 s, one to three listings each, a call in every fourth session,
 * expiries and cool-downs. Realism matters less than volume and variety here:
 * the specs compare two projections of the same log, not hand-computed numbers.
 */
export function generatedHistory(
  sessions: number,
  label: string,
  startAt = Date.parse('2030-02-01T08:00:00Z'),
  /** When session `i` starts, after startAt (default: every 15 s). */
  sessionOffset: (i: number) => number = (i) => i * 15000,
): History {
  let seq = 0;
  const out: History = { allocations: [], calls: [], webEvents: [] };
  const ev = <T extends EventType>(type: T, ms: number, data: EventData<T>) =>
    newEvent(type, data, {
      occurredAt: new Date(ms),
      metadata: { producer: 'test' },
      id: `${label}-${++seq}`,
    }) as CallpoolEvent;
  const numbers = Array.from({ length: 60 }, (_, i) => `+1555100${String(i).padStart(4, '0')}`);
  numbers.forEach((number, i) =>
    out.allocations.push(ev('NumberProvisioned', startAt - 60000 + i, { number, sid: `PN${i}` })),
  );
  for (let i = 0; i < 9; i++)
    out.allocations.push(
      ev('ListingRegistered', startAt - 30000 + i, {
        listingId: `L-${i}`,
        dealerId: `D-${i % 4}`,
        forwardTo: `+1555999000${i}`,
        tier: 'premium',
      }),
    );
  for (let i = 0; i < sessions; i++) session(i, startAt + sessionOffset(i));
  out.allocations.sort((a, b) => Date.parse(a.occurredAt) - Date.parse(b.occurredAt));
  return out;

  function session(i: number, t: number): void {
    const visitorId = `v-${i % 37}`;
    const sessionId = `${label}-s-${i}`;
    const shown: string[] = [];
    for (let k = 0; k < 1 + (i % 3); k++) {
      const listingId = `L-${(i + k) % 9}`;
      const number = numbers[(i * 3 + k) % numbers.length];
      const overflow = i % 11 === 10;
      out.allocations.push(
        ev('NumberDisplayed', t + k * 1000, {
          number: overflow ? '+15559990000' : number,
          pool: overflow ? 'overflow' : 'session',
          attribution: overflow ? 'none' : 'visitor',
          visitorId,
          sessionId,
          listingId,
          dealerId: `D-${((i + k) % 9) % 4}`,
          expiresAt: new Date(t + 600000).toISOString(),
          assignmentStarted: !overflow,
          context: {
            source: ['google', 'facebook', 'direct'][i % 3],
            searchTerm: `term ${i % 5}`,
            demographics: { ageBand: `${20 + (i % 4) * 10}s` },
          },
        }),
      );
      out.webEvents.push(
        ev('PageViewed', t + k * 1000 + 500, {
          visitorId,
          sessionId,
          url: `/cars/${listingId}`,
          action: 'view',
          listingId,
        }),
      );
      if (!overflow) shown.push(number);
    }
    if (i % 4 === 0 && shown.length > 0) call(i, t + 5000, shown.shift()!, visitorId, sessionId, `L-${i % 9}`);
    out.allocations.push(
      ev('SessionExpired', t + 605000, {
        sessionId,
        visitorId,
        lastSeenAt: new Date(t + 5000).toISOString(),
        numbersCooling: shown.map((number) => ({
          number,
          listingId: 'L-0',
          coolingUntil: new Date(t + 725000).toISOString(),
        })),
      }),
    );
    for (const number of shown) out.allocations.push(ev('NumberCooledDown', t + 725000, { number }));
  }

  function call(i: number, t: number, number: string, visitorId: string, sessionId: string, listingId: string): void {
    const callSid = `${label}-CA${i}`;
    out.calls.push(
      ev('CallReceived', t, {
        callSid,
        trackingNumber: number,
        caller: `+1415555${String(i % 50).padStart(4, '0')}`,
        startedAt: new Date(t).toISOString(),
        attribution: 'visitor',
        confidence: 1,
        holderState: 'displayed',
        visitorId,
        sessionId,
        listingId,
        dealerId: 'D-0',
        routedTo: '+15559990001',
      }),
    );
    out.calls.push(
      ev('DealerDialEnded', t + 40000, {
        callSid,
        dialCallStatus: i % 8 ? 'completed' : 'no-answer',
        dialDurationS: 30,
        answered: i % 8 !== 0,
      }),
    );
    out.calls.push(ev('CallCompleted', t + 45000, { callSid, status: 'completed', durationS: 40 + (i % 7) }));
    out.allocations.push(
      ev('NumberLocked', t + 1, {
        number,
        visitorId,
        sessionId,
        listingId,
        dealerId: 'D-0',
        callSid,
        lockedUntil: new Date(t + 30 * 86400000).toISOString(),
      }),
    );
    out.allocations.push(
      ev('NumberUnlocked', t + 3600000, {
        number,
        visitorId,
        listingId,
        reason: 'lock_expired',
        coolingUntil: new Date(t + 3720000).toISOString(),
      }),
    );
  }
}
