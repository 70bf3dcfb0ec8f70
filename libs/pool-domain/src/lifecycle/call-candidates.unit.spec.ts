import { NumberRecord, PastHolding } from './number-record';
import { callCandidates, isAmbiguous, menuOptions, recognisedCaller } from './call-candidates';

const T = Date.parse('2026-03-01T12:00:00.000Z');
const policy = { windowSeconds: 7 * 86400, halfLifeSeconds: 86400 };
const phones: Record<string, string> = {
  'L-1': '+15550001001',
  'L-2': '+15550002002',
  'L-3': '+15550001001',
  'L-4': '+15550004004',
};
const forwardToOf = (listingId: string) => phones[listingId];
const holder = (visitorId: string, listingId: string) => ({
  visitorId,
  sessionId: `s-${visitorId}`,
  listingId,
  dealerId: null,
});
const past = (visitorId: string, listingId: string, minutesAgo: number): PastHolding => ({
  ...holder(visitorId, listingId),
  endedAt: new Date(T - minutesAgo * 60_000).toISOString(),
  reason: 'session_expired',
});
const record = (r: Partial<NumberRecord>): NumberRecord => ({
  state: 'available',
  holder: null,
  past: [],
  listingId: null,
  ...r,
});

describe('call candidates and ambiguity', () => {
  it('a number held by one visitor has one candidate, certain, and is never ambiguous', () => {
    const candidates = callCandidates(record({ state: 'displayed', holder: holder('v-1', 'L-1') }), T, policy);
    expect(candidates).toEqual([expect.objectContaining({ visitorId: 'v-1', confidence: 1, basis: 'holder' })]);
    expect(isAmbiguous(candidates, forwardToOf)).toBe(false);
  });

  it('a reclaimed number: its holder and its recent past holder, newest first; different dealers → ambiguous', () => {
    const r = record({ state: 'displayed', holder: holder('v-2', 'L-2'), past: [past('v-1', 'L-1', 20)] });
    const candidates = callCandidates(r, T, policy);
    expect(candidates.map((c) => [c.visitorId, c.basis])).toEqual([
      ['v-2', 'holder'],
      ['v-1', 'last_holder'],
    ]);
    expect(candidates[1].confidence).toBeLessThan(0.9);
    expect(isAmbiguous(candidates, forwardToOf)).toBe(true);
  });

  it('listings that ring the same phone need no question', () => {
    const r = record({ state: 'displayed', holder: holder('v-2', 'L-3'), past: [past('v-1', 'L-1', 20)] });
    expect(isAmbiguous(callCandidates(r, T, policy), forwardToOf)).toBe(false);
  });

  it('a Pool 2 lock has one candidate whatever its past', () => {
    const r = record({ state: 'locked', holder: holder('v-2', 'L-2'), past: [past('v-1', 'L-1', 20)] });
    expect(callCandidates(r, T, policy)).toEqual([expect.objectContaining({ visitorId: 'v-2', confidence: 0.95 })]);
  });

  it('holders outside the attribution window are not candidates', () => {
    const r = record({ state: 'cooling', past: [past('v-1', 'L-1', 10), past('v-0', 'L-2', 8 * 24 * 60)] });
    expect(callCandidates(r, T, policy).map((c) => c.visitorId)).toEqual(['v-1']);
    expect(callCandidates(record({ state: 'released', past: [past('v-1', 'L-1', 1)] }), T, policy)).toEqual([]);
  });

  it('a caller attributed before to one of the candidates is recognised, with high confidence', () => {
    const r = record({ state: 'displayed', holder: holder('v-2', 'L-2'), past: [past('v-1', 'L-1', 600)] });
    const candidates = callCandidates(r, T, policy);
    expect(recognisedCaller(candidates, ['v-9', 'v-1'])).toEqual(
      expect.objectContaining({ visitorId: 'v-1', confidence: 0.9 }),
    );
    expect(recognisedCaller(candidates, ['v-9'])).toBeNull();
  });

  it('the menu offers one option per listing, most likely first, at most three', () => {
    const r = record({
      state: 'displayed',
      holder: holder('v-5', 'L-4'),
      past: [past('v-4', 'L-2', 5), past('v-3', 'L-2', 10), past('v-2', 'L-1', 15), past('v-1', 'L-3', 20)],
    });
    expect(menuOptions(callCandidates(r, T, policy)).map((c) => [c.visitorId, c.listingId])).toEqual([
      ['v-5', 'L-4'],
      ['v-4', 'L-2'],
      ['v-2', 'L-1'],
    ]);
  });
});
