import { CallAction, SessionTruth } from './actions';
import { dailyCurve, expectedArrivals, hourOf } from './curve';
import { modelOptions } from './options';
import { Rng } from './random';
import { arrivals, generateTraffic } from './traffic';
import { busiestWindows, summarise } from './stats';

const START = Date.parse('2030-01-07T00:00:00Z');
const HOUR = 3_600_000;

describe('arrivals', () => {
  const days = 20;
  const perDay = 2000;
  const times = arrivals(new Rng('arrivals'), {
    startMs: START,
    days,
    visitorsPerDay: perDay,
    curve: modelOptions({ seed: 'x', startMs: START }).curve,
  });

  it('follow the daily curve: every two-hour slot within four standard deviations of the curve’s integral', () => {
    const curve = dailyCurve();
    const counted = new Array(12).fill(0);
    for (const t of times) counted[Math.floor(hourOf(t) / 2)]++;
    counted.forEach((count, slot) => {
      const expected = days * expectedArrivals(curve, perDay, START + slot * 2 * HOUR, START + (slot + 1) * 2 * HOUR);
      // Poisson: the standard deviation of a count is the square root of its mean.
      expect(Math.abs(count - expected)).toBeLessThan(4 * Math.sqrt(expected));
    });
    expect(Math.abs(times.length - days * perDay) / (days * perDay)).toBeLessThan(0.02);
  });

  it('peak after dinner, then at lunch, and stay quiet at night', () => {
    const perHour = new Array(24).fill(0);
    for (const t of times) perHour[Math.floor(hourOf(t))]++;
    const busiest = perHour.indexOf(Math.max(...perHour));
    expect(busiest).toBeGreaterThanOrEqual(19);
    expect(busiest).toBeLessThanOrEqual(21);
    expect(perHour[12] + perHour[13]).toBeGreaterThan(1.3 * (perHour[10] + perHour[16]));
    expect(perHour[20]).toBeGreaterThan(8 * perHour[3]);
  });

  it('are a Poisson process: counts per quiet-hour slot have variance close to their mean', () => {
    const perDayAt3 = new Array(days).fill(0);
    for (const t of times) if (Math.floor(hourOf(t)) === 14) perDayAt3[Math.floor((t - START) / (24 * HOUR))]++;
    const mean = perDayAt3.reduce((s, n) => s + n, 0) / days;
    const variance = perDayAt3.reduce((s, n) => s + (n - mean) ** 2, 0) / (days - 1);
    expect(variance / mean).toBeGreaterThan(0.4);
    expect(variance / mean).toBeLessThan(2);
  });
});

describe('sessions', () => {
  const traffic = generateTraffic(modelOptions({ seed: '7', startMs: START, days: 1, visitorsPerDay: 3000 }));
  const summary = summarise(traffic);

  it('last about ten minutes and view about five listings', () => {
    expect(summary.meanSessionMinutes).toBeGreaterThan(9);
    expect(summary.meanSessionMinutes).toBeLessThan(12);
    expect(summary.listingsPerSession).toBeGreaterThan(4.8);
    expect(summary.listingsPerSession).toBeLessThan(5.2);
  });

  it('never pause longer than the idle timeout, and a visitor never has two sessions at once', () => {
    const bySession = new Map<string, number[]>();
    for (const a of traffic.actions)
      if (a.kind === 'display' || a.kind === 'page-view')
        bySession.set(a.sessionId, [...(bySession.get(a.sessionId) ?? []), a.at]);
    for (const times of bySession.values())
      for (let i = 1; i < times.length; i++) expect(times[i] - times[i - 1]).toBeLessThan(600_000);
    const byVisitor = new Map<string, SessionTruth[]>();
    for (const s of traffic.sessions) byVisitor.set(s.visitorId, [...(byVisitor.get(s.visitorId) ?? []), s]);
    for (const sessions of byVisitor.values())
      for (let i = 1; i < sessions.length; i++)
        expect(sessions[i].startedAt).toBeGreaterThan(sessions[i - 1].lastActivityAt + 600_000);
  });

  it('include returning visitors at about the configured share, and sold listings are not shown after their sale', () => {
    expect(summary.returningSessions / summary.sessions).toBeGreaterThan(0.25);
    expect(summary.returningSessions / summary.sessions).toBeLessThan(0.33);
    const soldAt = new Map(traffic.listings.filter((l) => l.soldAt !== null).map((l) => [l.listingId, l.soldAt!]));
    expect(soldAt.size).toBeGreaterThan(5);
    for (const a of traffic.actions)
      if (a.kind === 'display' && soldAt.has(a.listingId)) expect(a.at).toBeLessThan(soldAt.get(a.listingId)!);
  });

  it('put the busiest 10-minute window in the evening peak', () => {
    const [top] = busiestWindows(traffic.actions, 1);
    expect(hourOf(top.windowStart)).toBeGreaterThanOrEqual(19);
    expect(hourOf(top.windowStart)).toBeLessThan(22);
    expect(top.visitors).toBeGreaterThan(60);
  });
});

describe('calls', () => {
  const options = modelOptions({ seed: '11', startMs: START, days: 8, visitorsPerDay: 400, callProbability: 0.3 });
  const traffic = generateTraffic(options);
  const calls = traffic.actions.filter((a): a is CallAction => a.kind === 'call');
  const sessions = new Map(traffic.sessions.map((s) => [s.sessionId, s]));

  it('are timed by the configured mix (during, soon after, hours and days after the session)', () => {
    const all = summarise(traffic);
    const total = { ...all.callsByTiming };
    for (const [timing, n] of Object.entries(all.callsAfterEndByTiming)) total[timing as keyof typeof total] += n;
    const firsts = total['in-session'] + total['after-session'] + total['hours-later'] + total['days-later'];
    expect(firsts).toBeGreaterThan(1500);
    const mix = options.callTimingMix;
    expect(total['in-session'] / firsts).toBeCloseTo(mix[0], 1);
    expect(total['after-session'] / firsts).toBeCloseTo(mix[1], 1);
    expect(total['hours-later'] / firsts).toBeCloseTo(mix[2], 1);
    expect(total['days-later'] / firsts).toBeCloseTo(mix[3], 1);
    // Each call is repeated with probability p: p / (1 - p) repeats per first call.
    const p = options.repeatCallProbability;
    expect(Math.abs(total.repeat / firsts - p / (1 - p))).toBeLessThan(0.05);
  });

  it('fall inside or outside the session as their timing says', () => {
    for (const call of calls) {
      const s = sessions.get(call.sessionId)!;
      const expiry = s.lastActivityAt + 600_000;
      if (call.timing === 'in-session') {
        expect(call.at).toBeGreaterThan(s.startedAt);
        expect(call.at).toBeLessThanOrEqual(s.lastActivityAt + 60_000);
      }
      if (call.timing === 'after-session') expect(call.at - expiry).toBeGreaterThanOrEqual(60_000);
      if (call.timing === 'after-session') expect(call.at - expiry).toBeLessThanOrEqual(3_600_000);
      if (call.timing === 'hours-later') expect(call.at - expiry).toBeGreaterThanOrEqual(3_600_000);
      if (call.timing === 'days-later') expect(call.at - expiry).toBeGreaterThanOrEqual(24 * 3_600_000);
    }
  });

  it('come at about the configured rate per listing view, from a visitor who viewed that listing first', () => {
    const views = traffic.actions.filter((a) => a.kind === 'display');
    const firstSeen = new Map<string, number>();
    for (const v of views)
      if (!firstSeen.has(`${v.visitorId}|${v.listingId}`)) firstSeen.set(`${v.visitorId}|${v.listingId}`, v.at);
    for (const call of calls) expect(firstSeen.get(`${call.visitorId}|${call.listingId}`)).toBeLessThan(call.at);
    const all = summarise(traffic);
    const firstCalls = all.calls + all.callsAfterEnd - all.callsByTiming.repeat - all.callsAfterEndByTiming.repeat;
    const sessionViews = traffic.sessions.reduce((sum, s) => sum + s.listingsViewed, 0);
    expect(Math.abs(firstCalls / sessionViews - 0.3)).toBeLessThan(0.02);
  });
});

describe('determinism', () => {
  it('one seed plays the same stream; another seed a different one', () => {
    const a = generateTraffic(modelOptions({ seed: '3', startMs: START, visitorsPerDay: 300 }));
    const b = generateTraffic(modelOptions({ seed: '3', startMs: START, visitorsPerDay: 300 }));
    const c = generateTraffic(modelOptions({ seed: '4', startMs: START, visitorsPerDay: 300 }));
    expect(JSON.stringify(b.actions)).toBe(JSON.stringify(a.actions));
    expect(c.actions.length).not.toBe(a.actions.length);
    expect(new Set(a.actions.filter((x) => x.kind === 'call').map((x) => (x as CallAction).callSid)).size).toBe(
      a.actions.filter((x) => x.kind === 'call').length,
    );
  });
});
