import { randomUUID } from 'node:crypto';
import { CallpoolEvent, SCHEMA_VERSIONS } from '@callpool/contracts';
import { createPoolState, decide, evolve, PoolCommand, PoolEvent, poolPolicy, PoolState } from '@callpool/pool-domain';
import { pick, seededRandom } from '../measure/random';

export interface History {
  allocations: CallpoolEvent[];
  calls: CallpoolEvent[];
  webEvents: CallpoolEvent[];
}

type Action =
  | {
      at: number;
      kind: 'display';
      visitorId: string;
      sessionId: string;
      listingId: string;
      context?: Record<string, unknown>;
    }
  | { at: number; kind: 'view'; visitorId: string; sessionId: string; listingId: string; url: string; action: string }
  | {
      at: number;
      kind: 'call';
      visitorId: string;
      sessionId: string;
      listingId: string;
      answered: boolean;
      talkS: number;
    };

const START = Date.parse('2030-03-01T08:00:00.000Z');
const SOURCES = ['google', 'facebook', 'direct', 'bing'];
const ACTIONS = ['view', 'gallery', 'save', 'share'];

/**
 * A stretch of a listing site's traffic, decided by the real pool rules
 * (libs/pool-domain), so the events are the ones the allocator would write:
 * numbers bought, listings registered, sessions of about five listings with
 * page views, expiries and cool-downs, calls during and after sessions (each
 * with its lock, dial outcome and completion). Stops once `target` events exist.
 */
export function realisticHistory(target: number, seed: number): History {
  const random = seededRandom(seed);
  const policy = poolPolicy({ poolMax: 100_000, cooldownMs: 30 * 60_000 });
  const state = createPoolState(policy);
  const history: History = { allocations: [], calls: [], webEvents: [] };
  const apply = (command: PoolCommand, now: number) => {
    const events = decide(command, state, now, policy);
    for (const event of events) {
      evolve(state, event);
      (event.type === 'PageViewed' ? history.webEvents : history.allocations).push(envelope(event, 'allocator'));
    }
    return events;
  };
  for (let i = 0; i < 2500; i++)
    apply(
      {
        type: 'ProvisioningSucceeded',
        number: `+1628${String(5000000 + i)}`,
        sid: `PN${String(i).padStart(32, '0')}`,
        areaCode: '628',
        purchasedAt: START,
      },
      START,
    );
  const listings = Array.from({ length: 300 }, (_, i) => `L-${i + 1}`);
  listings.forEach((listingId, i) =>
    apply(
      {
        type: 'RegisterListing',
        listingId,
        dealerId: `D-${i % 60}`,
        forwardTo: `+1415555${String(1000 + i)}`,
        tier: i % 10 === 0 ? 'standard' : 'premium',
      },
      START,
    ),
  );
  const actions = planVisits(random, listings, Math.ceil(target / 12));
  const shown = new Map<string, string>();
  let lastExpiry = START;
  for (const action of actions) {
    if (action.at - lastExpiry > 30_000) {
      while (apply({ type: 'ExpireDue' }, action.at).length > 0);
      lastExpiry = action.at;
    }
    if (action.kind === 'display') {
      const [event] = apply(
        {
          type: 'DisplayNumber',
          visitorId: action.visitorId,
          sessionId: action.sessionId,
          listingId: action.listingId,
          context: action.context,
        },
        action.at,
      ).slice(-1);
      if (event.type === 'NumberDisplayed') shown.set(`${action.sessionId}/${action.listingId}`, event.data.number);
    } else if (action.kind === 'view') {
      apply(
        {
          type: 'RecordPageView',
          visitorId: action.visitorId,
          sessionId: action.sessionId,
          url: action.url,
          action: action.action,
          listingId: action.listingId,
        },
        action.at,
      );
    } else {
      const number = shown.get(`${action.sessionId}/${action.listingId}`);
      if (number) call(history, state, apply, action, number);
    }
    if (history.allocations.length + history.calls.length + history.webEvents.length >= target) break;
  }
  return history;
}

function call(
  history: History,
  state: PoolState,
  apply: (c: PoolCommand, now: number) => PoolEvent[],
  action: Extract<Action, { kind: 'call' }>,
  number: string,
) {
  const callSid = `CA${randomUUID().replace(/-/g, '')}`;
  const tracked = state.numbers.get(number);
  const listing = state.listings.get(action.listingId)!;
  const received = {
    callSid,
    trackingNumber: number,
    caller: `+1650${String(1000000 + Math.floor(Math.abs(hash(action.visitorId)) % 8999999))}`,
    startedAt: new Date(action.at).toISOString(),
    attribution: 'visitor' as const,
    confidence: tracked?.state === 'displayed' ? 1 : 0.8,
    holderState: (tracked?.state === 'displayed' || tracked?.state === 'locked' || tracked?.state === 'cooling'
      ? tracked.state
      : 'available') as 'displayed',
    visitorId: action.visitorId,
    sessionId: action.sessionId,
    listingId: action.listingId,
    dealerId: listing.dealerId,
    routedTo: listing.forwardTo,
  };
  const receivedEvent = envelope(
    { type: 'CallReceived', data: received, occurredAt: received.startedAt } as never,
    'call-ingest',
  );
  history.calls.push(receivedEvent);
  apply({ type: 'RecordCall', call: received, eventId: receivedEvent.id }, action.at);
  const ended = action.at + (action.answered ? action.talkS : 25) * 1000;
  history.calls.push(
    envelope(
      {
        type: 'DealerDialEnded',
        occurredAt: new Date(ended).toISOString(),
        data: {
          callSid,
          dialCallStatus: action.answered ? 'completed' : 'no-answer',
          dialDurationS: action.answered ? action.talkS : 0,
          answered: action.answered,
        },
      } as never,
      'call-ingest',
    ),
  );
  history.calls.push(
    envelope(
      {
        type: 'CallCompleted',
        occurredAt: new Date(ended + 2000).toISOString(),
        data: { callSid, status: 'completed', durationS: (action.answered ? action.talkS : 25) + 2 },
      } as never,
      'call-ingest',
    ),
  );
}

/** Visitors arriving every few seconds, each viewing about five listings; some call, during the session or hours later. */
function planVisits(random: () => number, listings: string[], visitors: number): Action[] {
  const actions: Action[] = [];
  let at = START;
  for (let v = 0; v < visitors; v++) {
    at += Math.round(-Math.log(1 - random()) * 2500);
    const visitorId = `v-${v}`;
    const sessionId = `s-${v}`;
    const source = pick(random, SOURCES);
    let t = at;
    for (let k = 0; k < 3 + Math.floor(random() * 5); k++) {
      const listingId = pick(random, listings);
      const context =
        k === 0
          ? {
              source,
              searchTerm: 'used honda civic',
              landingPage: `/cars/${listingId}`,
              demographics: { ageBand: '25-34', region: 'CA' },
            }
          : undefined;
      actions.push({ at: t, kind: 'display', visitorId, sessionId, listingId, ...(context ? { context } : {}) });
      actions.push({
        at: t + 1000,
        kind: 'view',
        visitorId,
        sessionId,
        listingId,
        url: `/cars/${listingId}`,
        action: 'view',
      });
      if (random() < 0.5)
        actions.push({
          at: t + 20_000,
          kind: 'view',
          visitorId,
          sessionId,
          listingId,
          url: `/cars/${listingId}#more`,
          action: pick(random, ACTIONS),
        });
      if (random() < 0.06) {
        const late = random() < 0.3 ? 3600_000 * (1 + random() * 24) : 30_000 + random() * 120_000;
        actions.push({
          at: t + Math.round(late),
          kind: 'call',
          visitorId,
          sessionId,
          listingId,
          answered: random() < 0.75,
          talkS: 30 + Math.floor(random() * 400),
        });
      }
      t += 30_000 + Math.round(random() * 90_000);
    }
  }
  return actions.sort((a, b) => a.at - b.at);
}

function envelope(
  event: PoolEvent | { type: string; data: unknown; occurredAt: string },
  producer: string,
): CallpoolEvent {
  const id = randomUUID();
  return {
    id,
    type: event.type,
    schemaVersion: SCHEMA_VERSIONS[event.type as keyof typeof SCHEMA_VERSIONS] ?? 1,
    occurredAt: event.occurredAt,
    data: event.data,
    metadata: { correlationId: id, causationId: null, producer },
  } as CallpoolEvent;
}

function hash(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
