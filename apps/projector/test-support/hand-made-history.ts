import { CallpoolEvent, EventData, EventType, newEvent } from '@callpool/contracts';

/**
 * A small history with hand-computed expectations (see the int specs): two
 * listings, four numbers, three sessions, three calls, a sale and a release,
 * spread over the UTC windows 09:50, 10:00, 10:10 and 10:20 of 2030-01-01.
 */
export interface History {
  allocations: CallpoolEvent[];
  calls: CallpoolEvent[];
  webEvents: CallpoolEvent[];
}

export const N1 = '+15550000001';
export const N2 = '+15550000002';
export const N3 = '+15550000003';
export const N4 = '+15550000004';
const DEALER_1 = '+15557654321';
const at = (hhmmss: string) => `2030-01-01T${hhmmss}.000Z`;

export function handMadeHistory(label = 'h'): History {
  let seq = 0;
  const ev = <T extends EventType>(type: T, time: string, data: EventData<T>) =>
    newEvent(type, data, {
      occurredAt: at(time),
      metadata: { producer: 'test' },
      id: `${label}-${++seq}`,
    }) as CallpoolEvent;
  const display = (
    time: string,
    number: string,
    session: string,
    visitor: string,
    listing: string,
    extra: object = {},
  ) =>
    ev('NumberDisplayed', time, {
      number,
      pool: 'session',
      attribution: 'visitor',
      visitorId: visitor,
      sessionId: session,
      listingId: listing,
      dealerId: listing === 'L-1' ? 'D-1' : 'D-2',
      expiresAt: at('10:30:00'),
      assignmentStarted: true,
      ...extra,
    });
  const lock = (time: string, number: string, visitor: string, session: string | null, callSid: string) =>
    ev('NumberLocked', time, {
      number,
      visitorId: visitor,
      sessionId: session,
      listingId: 'L-1',
      dealerId: 'D-1',
      callSid,
      lockedUntil: '2030-01-31T10:00:00.000Z',
    });
  const allocations = [
    ev('ListingRegistered', '09:58:00', { listingId: 'L-1', dealerId: 'D-1', forwardTo: DEALER_1, tier: 'premium' }),
    ev('ListingRegistered', '09:58:10', {
      listingId: 'L-2',
      dealerId: 'D-2',
      forwardTo: '+15557654322',
      tier: 'premium',
    }),
    ...[N1, N2, N3, N4].map((number, i) => ev('NumberProvisioned', `09:59:0${i}`, { number, sid: `PN${i}` })),
    display('10:01:00', N1, 's-1', 'v-1', 'L-1', {
      sessionStarted: true,
      context: {
        source: 'google',
        searchTerm: 'used civic',
        referrer: 'https://www.google.com/',
        landingPage: '/cars/L-1',
        demographics: { ageBand: '25-34' },
      },
    }),
    display('10:02:00', N2, 's-1', 'v-1', 'L-2', { context: { source: 'facebook', demographics: { region: 'CA' } } }),
    display('10:03:00', N3, 's-2', 'v-2', 'L-1', { context: { source: 'direct', landingPage: '/cars/L-1' } }),
    display('10:04:00', N1, 's-1', 'v-1', 'L-1', { assignmentStarted: false }),
    display('10:05:00', DEALER_1, 's-3', 'v-3', 'L-1', {
      pool: 'overflow',
      attribution: 'none',
      assignmentStarted: false,
    }),
    lock('10:06:00', N1, 'v-1', 's-1', 'CA1'),
    lock('10:07:00', N3, 'v-2', 's-2', 'CA2'),
    lock('10:09:00', N1, 'v-1', null, 'CA3'),
    ev('SessionExpired', '10:13:00', {
      sessionId: 's-2',
      visitorId: 'v-2',
      lastSeenAt: at('10:03:00'),
      numbersCooling: [],
    }),
    ev('SessionExpired', '10:14:00', {
      sessionId: 's-1',
      visitorId: 'v-1',
      lastSeenAt: at('10:04:00'),
      numbersCooling: [{ number: N2, listingId: 'L-2', coolingUntil: at('10:16:00') }],
    }),
    ev('SessionExpired', '10:15:00', {
      sessionId: 's-3',
      visitorId: 'v-3',
      lastSeenAt: at('10:05:00'),
      numbersCooling: [],
    }),
    ev('NumberCooledDown', '10:16:00', { number: N2 }),
    ev('ListingSold', '10:21:00', { listingId: 'L-1' }),
    ev('NumberUnlocked', '10:21:00', {
      number: N1,
      visitorId: 'v-1',
      listingId: 'L-1',
      reason: 'listing_sold',
      coolingUntil: at('10:23:00'),
    }),
    ev('NumberUnlocked', '10:21:00', {
      number: N3,
      visitorId: 'v-2',
      listingId: 'L-1',
      reason: 'listing_sold',
      coolingUntil: at('10:23:00'),
    }),
    ev('NumberReleased', '10:25:00', { number: N4, sid: 'PN3', reason: 'surplus' }),
  ];
  const call = (
    sid: string,
    time: string,
    number: string,
    caller: string,
    visitor: string,
    session: string | null,
    durationS: number,
    answered: boolean,
  ) => [
    ev('CallReceived', time, {
      callSid: sid,
      trackingNumber: number,
      caller,
      startedAt: at(time),
      attribution: 'visitor',
      confidence: 1,
      holderState: session ? 'displayed' : 'locked',
      visitorId: visitor,
      sessionId: session,
      listingId: 'L-1',
      dealerId: 'D-1',
      routedTo: DEALER_1,
    }),
    ev('DealerDialEnded', time.replace(/:00$/, ':50'), {
      callSid: sid,
      dialCallStatus: answered ? 'completed' : 'no-answer',
      dialDurationS: answered ? durationS - 5 : 0,
      answered,
    }),
    ev('CallCompleted', time.replace(/:00$/, ':55'), { callSid: sid, status: 'completed', durationS }),
  ];
  const calls = [
    ...call('CA1', '10:06:00', N1, '+14155550001', 'v-1', 's-1', 120, true),
    ...call('CA2', '10:07:00', N3, '+14155550002', 'v-2', 's-2', 30, false),
    ...call('CA3', '10:09:00', N1, '+14155550001', 'v-1', null, 60, true),
  ];
  const view = (time: string, session: string, visitor: string, url: string, action: string, listingId?: string) =>
    ev('PageViewed', time, {
      sessionId: session,
      visitorId: visitor,
      url,
      action,
      ...(listingId ? { listingId } : {}),
    });
  const webEvents = [
    view('10:00:30', 's-1', 'v-1', '/search?q=used+civic', 'search'),
    view('10:01:30', 's-1', 'v-1', '/cars/L-1', 'view', 'L-1'),
    view('10:02:30', 's-2', 'v-2', '/cars/L-1', 'view', 'L-1'),
    view('10:03:30', 's-1', 'v-1', '/cars/L-1#gallery', 'gallery', 'L-1'),
    view('10:05:00', 's-3', 'v-3', '/cars/L-1', 'view', 'L-1'),
  ];
  return { allocations, calls, webEvents };
}
