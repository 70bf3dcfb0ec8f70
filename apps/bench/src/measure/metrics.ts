import { json } from './http';

/** Sums and counts of the Prometheus series a benchmark explains its figures with. */
export type MetricTotals = Record<string, number>;

export async function scrape(baseUrl: string, names: string[]): Promise<MetricTotals> {
  const text = String((await json('GET', `${baseUrl}/metrics`)).body);
  const totals: MetricTotals = {};
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(?:\{[^}]*\})? ([0-9.e+-]+)$/.exec(line);
    if (match && names.includes(match[1])) totals[match[1]] = (totals[match[1]] ?? 0) + Number(match[2]);
  }
  return totals;
}

export function difference(after: MetricTotals, before: MetricTotals): MetricTotals {
  return Object.fromEntries(Object.keys(after).map((name) => [name, after[name] - (before[name] ?? 0)]));
}
