import { CallOutcome } from '../runner/truth';
import { attributionTable } from './attribution';
import { summariseCooldown } from './cooldown';
import { menuSummary } from './menu';
import { ProjectedCall } from './projection';

const MIN = 60_000;
const outcome = (callSid: string, lateMinutes: number, extra: Partial<CallOutcome> = {}): CallOutcome => ({
  callSid,
  at: 1_000 + lateMinutes * MIN,
  category: 'after-session',
  timing: 'after-session',
  visitorId: 'v1',
  sessionId: 's1',
  listingId: 'L1',
  dealerId: 'D1',
  dialled: '+15550000001',
  rang: '+14152000001',
  shownPool: 'session',
  shownAt: 0,
  shownSessionId: 's1',
  lateMs: lateMinutes * MIN,
  ...extra,
});
const row = (callSid: string, visitorId: string): ProjectedCall => ({
  call_sid: callSid,
  attribution: 'visitor',
  visitor_id: visitorId,
  listing_id: 'L1',
  dealer_id: 'D1',
  confidence: '0.5',
  status: 'completed',
  answered: true,
});
const phones = { dealerPhone: () => '+14152000001', isDealerPhone: (p: string) => p.startsWith('+1415') };

describe('after-session calls by lateness', () => {
  it('count each late call in its bucket, right when the caller’s visitor and listing were recorded', () => {
    const calls = [
      outcome('CA1', 30),
      outcome('CA2', 59),
      outcome('CA3', 120),
      outcome('CA4', 500, { rang: '+14152000002' }),
    ];
    const projected = new Map([
      ['CA1', row('CA1', 'v1')],
      ['CA2', row('CA2', 'v9')],
      ['CA3', row('CA3', 'v1')],
      ['CA4', row('CA4', 'v9')],
    ]);
    const { byLateness, byCategory } = attributionTable(calls, projected, phones);
    expect([byLateness['within-1h'].calls, byLateness['within-1h'].rightVisitor]).toEqual([2, 1]);
    expect([byLateness['1-6h'].calls, byLateness['1-6h'].rightVisitor]).toEqual([1, 1]);
    expect([byLateness.later.calls, byLateness.later.wrongDealer]).toEqual([1, 1]);
    expect(byCategory.all.wrongDealer).toBe(1);
  });

  it('leave in-session calls out of the lateness buckets', () => {
    const inSession = outcome('CA1', 0, { category: 'in-session', lateMs: undefined });
    const { byLateness } = attributionTable([inSession], new Map([['CA1', row('CA1', 'v1')]]), phones);
    expect(Object.values(byLateness).map((r) => r.calls)).toEqual([0, 0, 0]);
  });
});

describe('the caller menu summary', () => {
  it('counts the calls that heard a menu, their share of all calls, and what the callers pressed', () => {
    const summary = menuSummary([
      outcome('CA1', 5, { menu: { options: 2, choice: 'right' } }),
      outcome('CA2', 5, { menu: { options: 3, choice: 'none' } }),
      outcome('CA3', 5),
      outcome('CA4', 5),
    ]);
    expect(summary).toEqual({
      heard: 2,
      share: 0.5,
      meanOptions: 2.5,
      choices: { right: 1, wrong: 0, none: 1, 'not-offered': 0 },
    });
  });
});

describe('the cool-down achieved', () => {
  it('is the mean cooledSeconds of the displays that carried one; reclaimed ones were handed out before the target', () => {
    expect(
      summariseCooldown([
        { cooledSeconds: 600, reclaimed: true },
        { cooledSeconds: 3000 },
        { cooledSeconds: 'soon' },
        { reclaimed: false },
      ]),
    ).toEqual({ reused: 2, meanSeconds: 1800, beforeTarget: 1 });
    expect(summariseCooldown([])).toEqual({ reused: 0, meanSeconds: null, beforeTarget: 0 });
  });
});
