import { busiestWindows, generateTraffic, modelOptions } from '../model';
import { latenessOf } from '../report/lateness';
import { table } from './format';
import { seedRule } from './rule';

const HOUR = 3_600_000;
const evening = { seed: '3', days: 0.25, tailHours: 2, visitorsPerDay: 2000, listings: 200 };

describe('the seed rule, from the traffic model’s ground truth before any run', () => {
  it('is the busiest UTC 10-minute window’s distinct visitors × listings per session, of the traffic the run will play', () => {
    const rule = seedRule(evening, { startHour: 18, listingsPerSession: 5 });
    const played = generateTraffic(modelOptions({ ...evening, startMs: Date.parse('2031-03-02T18:00:00Z') }));
    const [busiest] = busiestWindows(played.actions, 1);
    expect(rule.visitors).toBe(busiest.visitors);
    expect(rule.numbers).toBe(busiest.visitors * 5);
    expect(rule.busiestAfterMinutes).toBe((busiest.windowStart - Date.parse('2031-03-02T18:00:00Z')) / 60_000);
    expect(rule.visitors).toBeGreaterThan(20);
  });

  it('rounds a fractional rule up, and follows the start hour (an evening is busier than a morning)', () => {
    expect(seedRule(evening, { startHour: 18, listingsPerSession: 4.5 }).numbers).toBe(
      Math.ceil(seedRule(evening, { startHour: 18, listingsPerSession: 1 }).visitors * 4.5),
    );
    expect(seedRule(evening, { startHour: 18, listingsPerSession: 5 }).visitors).toBeGreaterThan(
      seedRule(evening, { startHour: 4, listingsPerSession: 5 }).visitors,
    );
  });

  it('counts only the arrival hours: the tail of late calls adds no visitors', () => {
    const traffic = generateTraffic(modelOptions({ ...evening, startMs: Date.parse('2031-03-02T18:00:00Z') }));
    const clicks = traffic.actions.filter((a) => a.kind === 'display' || a.kind === 'page-view');
    const lastArrival = Math.max(...traffic.sessions.map((s) => s.startedAt));
    expect(lastArrival).toBeLessThan(traffic.trafficEndMs);
    expect(traffic.endMs - traffic.trafficEndMs).toBe(2 * HOUR);
    expect(traffic.actions.some((a) => a.kind === 'call' && a.at > traffic.trafficEndMs + HOUR)).toBe(true);
    expect(Math.max(...clicks.map((a) => a.at))).toBeLessThan(traffic.trafficEndMs + HOUR);
  });
});

describe('lateness of an after-session call', () => {
  it('buckets by time since the session ended: up to an hour, up to six hours, later', () => {
    expect(latenessOf(0)).toBe('within-1h');
    expect(latenessOf(HOUR)).toBe('within-1h');
    expect(latenessOf(HOUR + 1)).toBe('1-6h');
    expect(latenessOf(6 * HOUR)).toBe('1-6h');
    expect(latenessOf(6 * HOUR + 1)).toBe('later');
  });
});

describe('the sweep table', () => {
  it('lines columns up under their headers', () => {
    expect(
      table(
        ['row', 'n'],
        [
          ['1×', '12'],
          ['1.25×', '3'],
        ],
      ).split('\n'),
    ).toEqual(['row     n', '-----  --', '1×     12', '1.25×   3']);
  });
});
