import { ms, times } from '../measure/stats';
import type { RollupBenchResult } from './rollups.bench';

const AIM_MS = 50;

function verdicts(r: RollupBenchResult) {
  const question = (name: string, q: RollupBenchResult['listingPerformance']) => ({
    name,
    p50: q.rollups.p50,
    max: q.rollups.max,
    legacyMs: q.legacyMs,
    speedup: q.legacyMs === null ? NaN : q.legacyMs / q.rollups.p50,
    met: q.rollups.max < AIM_MS,
  });
  return [
    question('listing_performance, one dealer', r.listingPerformance),
    question('pool_health, 7 days', r.poolHealth7Days),
  ];
}

const legacy = (value: number | null) => (value === null ? '> 120 s (gave up)' : ms(value));

/** The console lines: each question's time against the 50 ms aim and against the old all-history view. */
export function rollupsLines(r: RollupBenchResult): string[] {
  const before = r.poolHealth7DaysWithoutCheckpoints;
  return [
    ...verdictLines(r),
    `rollups      pool_health, 7 days, running sums from the first window (no checkpoints): p50 ${ms(before.p50)}, max ${ms(before.max)}; checkpoints ${times(before.p50 / r.poolHealth7Days.rollups.p50)} faster (p50)`,
  ];
}

function verdictLines(r: RollupBenchResult): string[] {
  return verdicts(r).map(
    (v) =>
      `rollups      ${v.name}: p50 ${ms(v.p50)}, max ${ms(v.max)} (${times(v.max / AIM_MS)} of 50 ms); old view ${legacy(v.legacyMs)}, ${times(v.speedup)} faster  [aim max < 50 ms: ${v.met ? 'met' : 'not met'}]`,
  );
}

export function rollupsMarkdown(r: RollupBenchResult, reproduce: string): string[] {
  const s = r.size;
  return [
    `### Rollups: the analysts' questions on a large projection (\`${reproduce}\`)`,
    '',
    `${s.displays.toLocaleString('en-US')} displays and ${s.calls.toLocaleString('en-US')} calls over ${s.days} days (${s.listings.toLocaleString('en-US')} listings, ${s.dealers.toLocaleString('en-US')} dealers), generated in SQL in ${r.generateSeconds.toFixed(0)} s; every rollup computed from them in ${r.recomputeSeconds.toFixed(0)} s (${Object.entries(
      r.rollupRows,
    )
      .map(([t, n]) => `${t} ${n.toLocaleString('en-US')}`)
      .join(', ')} rows). ${r.listingPerformance.rollups.count} queries each, fresh parameters, client round trip.`,
    '',
    '| question | p50 | p90 | max | max / 50 ms | the old all-history view, once | speed-up (p50) |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...verdicts(r).map((v, i) => {
      const q = i === 0 ? r.listingPerformance : r.poolHealth7Days;
      return `| ${v.name} | ${ms(q.rollups.p50)} | ${ms(q.rollups.p90)} | ${ms(q.rollups.max)} | ${times(v.max / AIM_MS)} | ${legacy(v.legacyMs)} | ${times(v.speedup)} |`;
    }),
    `| pool_health, 7 days, without the hourly checkpoints (running sums from the first window, the same run) | ${ms(r.poolHealth7DaysWithoutCheckpoints.p50)} | ${ms(r.poolHealth7DaysWithoutCheckpoints.p90)} | ${ms(r.poolHealth7DaysWithoutCheckpoints.max)} | ${times(r.poolHealth7DaysWithoutCheckpoints.max / AIM_MS)} | | |`,
    '',
    `**Aim: both under 50 ms — ${verdicts(r).every((v) => v.met) ? 'met' : 'not met'}.**`,
  ];
}
