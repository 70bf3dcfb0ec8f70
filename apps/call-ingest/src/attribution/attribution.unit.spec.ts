import { CallpoolEvent, EventData, EventType, newEvent } from '@callpool/contracts';
import { applyEvent, emptyView, HolderView } from './holder-view';
import { attributeCall, AttributionPolicy, lateCallConfidence } from './attribution';

const policy: AttributionPolicy = { mainLine: '+15555550100', windowSeconds: 7 * 86400, halfLifeSeconds: 86400 };
const T0 = Date.parse('2025-03-01T12:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000);

function event<T extends EventType>(type: T, data: EventData<T>, seconds = 0): CallpoolEvent {
  return newEvent(type, data, { occurredAt: at(seconds), metadata: { producer: 'test' } }) as CallpoolEvent;
}

function given(...events: CallpoolEvent[]): HolderView {
  const view = emptyView();
  for (const e of events) applyEvent(view, e);
  return view;
}

const listing = event('ListingRegistered', {
  listingId: 'L-1',
  dealerId: 'D-1',
  forwardTo: '+15557654321',
  tier: 'premium',
});
const provisioned = event('NumberProvisioned', { number: '+15550000001', sid: 'PN1' });
const displayed = event('NumberDisplayed', {
  number: '+15550000001',
  pool: 'session',
  attribution: 'visitor',
  visitorId: 'v-1',
  sessionId: 's-1',
  listingId: 'L-1',
  dealerId: 'D-1',
  expiresAt: at(600).toISOString(),
  assignmentStarted: true,
});
const expired = event(
  'SessionExpired',
  {
    sessionId: 's-1',
    visitorId: 'v-1',
    lastSeenAt: at(0).toISOString(),
    numbersCooling: [{ number: '+15550000001', listingId: 'L-1', coolingUntil: at(2400).toISOString() }],
  },
  600,
);
const locked = event(
  'NumberLocked',
  {
    number: '+15550000001',
    visitorId: 'v-1',
    sessionId: 's-1',
    listingId: 'L-1',
    dealerId: 'D-1',
    callSid: 'CA1',
    lockedUntil: at(30 * 86400).toISOString(),
  },
  60,
);

describe('attributeCall', () => {
  it('puts a call on a displayed number down to its visitor, session and listing, with certainty', () => {
    const result = attributeCall(given(listing, provisioned, displayed), '+15550000001', at(30), policy);
    expect(result).toEqual({
      attribution: 'visitor',
      confidence: 1,
      holderState: 'displayed',
      visitorId: 'v-1',
      sessionId: 's-1',
      listingId: 'L-1',
      dealerId: 'D-1',
      routedTo: '+15557654321',
      resolvedBy: 'holder',
      candidates: 1,
    });
  });

  it('puts a call on a Pool 2 number down to its lock, even after the session expired', () => {
    const result = attributeCall(
      given(listing, provisioned, displayed, locked, expired),
      '+15550000001',
      at(5 * 86400),
      policy,
    );
    expect(result).toMatchObject({
      attribution: 'visitor',
      holderState: 'locked',
      visitorId: 'v-1',
      listingId: 'L-1',
      routedTo: '+15557654321',
    });
    expect(result.confidence).toBeGreaterThanOrEqual(0.95);
  });

  it('credits the last holder of a cooling number, less confidently as time passes', () => {
    const view = given(listing, provisioned, displayed, expired);
    const soon = attributeCall(view, '+15550000001', at(600 + 60), policy);
    const nextDay = attributeCall(view, '+15550000001', at(600 + 86400), policy);
    expect(soon).toMatchObject({
      attribution: 'visitor',
      holderState: 'cooling',
      visitorId: 'v-1',
      sessionId: 's-1',
      routedTo: '+15557654321',
    });
    expect(soon.confidence).toBeGreaterThan(0.85);
    expect(soon.confidence).toBeLessThan(1);
    expect(nextDay.confidence).toBeCloseTo(0.45, 2);
  });

  it('still credits the last holder once the number is available again, within the window', () => {
    const view = given(
      listing,
      provisioned,
      displayed,
      expired,
      event('NumberCooledDown', { number: '+15550000001' }, 2400),
    );
    expect(attributeCall(view, '+15550000001', at(3 * 86400), policy)).toMatchObject({
      attribution: 'visitor',
      holderState: 'available',
      visitorId: 'v-1',
    });
  });

  it('credits nobody outside the window but still rings the last holder’s dealer', () => {
    const view = given(listing, provisioned, displayed, expired);
    expect(attributeCall(view, '+15550000001', at(600 + 7 * 86400 + 1), policy)).toEqual({
      attribution: 'none',
      confidence: 0,
      resolvedBy: 'none',
      candidates: 0,
      holderState: 'cooling',
      visitorId: null,
      sessionId: null,
      listingId: 'L-1',
      dealerId: 'D-1',
      routedTo: '+15557654321',
    });
  });

  it('rings the directory’s main line for a number that was never ours', () => {
    expect(attributeCall(given(listing, provisioned, displayed), '+15559999999', at(0), policy)).toEqual({
      attribution: 'none',
      confidence: 0,
      resolvedBy: 'none',
      candidates: 0,
      holderState: 'unknown',
      visitorId: null,
      sessionId: null,
      listingId: null,
      dealerId: null,
      routedTo: '+15555550100',
    });
  });

  it('rings the main line for a number of ours that nobody has held yet', () => {
    expect(attributeCall(given(listing, provisioned), '+15550000001', at(0), policy)).toMatchObject({
      attribution: 'none',
      holderState: 'available',
      routedTo: '+15555550100',
    });
  });

  it('attributes a listing-level number to its listing, for everyone', () => {
    const standard = event('ListingRegistered', {
      listingId: 'L-2',
      dealerId: 'D-2',
      forwardTo: '+15557650002',
      tier: 'standard',
    });
    const assigned = event('ListingNumberAssigned', { listingId: 'L-2', dealerId: 'D-2', number: '+15550000099' });
    const bought = event('NumberProvisioned', { number: '+15550000099', sid: 'PN99' });
    expect(attributeCall(given(standard, bought, assigned), '+15550000099', at(0), policy)).toEqual({
      attribution: 'listing',
      confidence: 1,
      holderState: 'listing',
      visitorId: null,
      sessionId: null,
      listingId: 'L-2',
      dealerId: 'D-2',
      routedTo: '+15557650002',
      resolvedBy: 'holder',
      candidates: 0,
    });
  });

  it('forgets a sold listing’s listing-level number once released, also when it is bought back and shown to a visitor', () => {
    const standard = event('ListingRegistered', {
      listingId: 'L-2',
      dealerId: 'D-2',
      forwardTo: '+15557650002',
      tier: 'standard',
    });
    const bought = event('NumberProvisioned', { number: '+15550000001', sid: 'PN1' });
    const assigned = event('ListingNumberAssigned', { listingId: 'L-2', dealerId: 'D-2', number: '+15550000001' });
    const sold = event('ListingSold', { listingId: 'L-2' }, 10);
    const released = event('NumberReleased', { number: '+15550000001', sid: 'PN1', reason: 'listing_sold' }, 20);
    expect(
      attributeCall(given(standard, bought, assigned, sold, released), '+15550000001', at(30), policy).attribution,
    ).toBe('none');
    const boughtBack = event('NumberProvisioned', { number: '+15550000001', sid: 'PN2' }, 40);
    const view = given(listing, standard, bought, assigned, sold, released, boughtBack, displayed);
    expect(attributeCall(view, '+15550000001', at(50), policy)).toMatchObject({
      attribution: 'visitor',
      visitorId: 'v-1',
      listingId: 'L-1',
      routedTo: '+15557654321',
    });
  });

  it('follows a forwardTo change of the listing', () => {
    const moved = event('ListingRegistered', {
      listingId: 'L-1',
      dealerId: 'D-1',
      forwardTo: '+15557650777',
      tier: 'premium',
    });
    expect(attributeCall(given(listing, provisioned, displayed, moved), '+15550000001', at(1), policy).routedTo).toBe(
      '+15557650777',
    );
  });

  it('credits nobody for a number given back to Twilio', () => {
    const released = event('NumberReleased', { number: '+15550000001', sid: 'PN1', reason: 'surplus' }, 4000);
    const view = given(listing, provisioned, displayed, expired, released);
    expect(attributeCall(view, '+15550000001', at(4001), policy)).toMatchObject({
      attribution: 'none',
      confidence: 0,
      resolvedBy: 'none',
      candidates: 0,
      routedTo: '+15557654321',
    });
  });

  it('keeps a lock when the session that displayed the number expires afterwards', () => {
    const view = given(listing, provisioned, displayed, locked, expired);
    expect(view.numbers.get('+15550000001')?.state).toBe('locked');
  });

  it('moves an unlocked number to cooling with the lock holder as last holder', () => {
    const unlocked = event(
      'NumberUnlocked',
      {
        number: '+15550000001',
        visitorId: 'v-1',
        listingId: 'L-1',
        reason: 'listing_sold',
        coolingUntil: at(9000).toISOString(),
      },
      7000,
    );
    const view = given(listing, provisioned, displayed, locked, unlocked);
    expect(attributeCall(view, '+15550000001', at(7000), policy)).toMatchObject({
      attribution: 'visitor',
      holderState: 'cooling',
      visitorId: 'v-1',
    });
  });
});

describe('lateCallConfidence', () => {
  it('halves every half-life and drops to zero past the window', () => {
    expect(lateCallConfidence(0, policy)).toBe(0.9);
    expect(lateCallConfidence(86400, policy)).toBe(0.45);
    expect(lateCallConfidence(2 * 86400, policy)).toBe(0.225);
    expect(lateCallConfidence(7 * 86400 + 1, policy)).toBe(0);
  });
});
