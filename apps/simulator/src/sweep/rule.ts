import { busiestWindows, generateTraffic, ModelOptions, modelOptions } from '../model';

/** DESIGN.md's sizing rule from the traffic's ground truth: peak distinct visitors in a UTC 10-minute window × listings per session. */
export interface SeedRule {
  visitors: number;
  listingsPerSession: number;
  numbers: number;
  /** Minutes after the run's start at which the busiest window begins. */
  busiestAfterMinutes: number | null;
}

/**
 * Any UTC midnight gives the same traffic: the model draws relative to the
 * start and reads only the hour of day, and windows stay aligned. So the rule
 * can be computed before a stack exists, from this one.
 */
const SOME_MIDNIGHT = Date.parse('2030-01-07T00:00:00Z');

export function seedRule(
  model: Partial<ModelOptions> & { seed: string },
  { startHour = 0, listingsPerSession }: { startHour?: number; listingsPerSession: number },
): SeedRule {
  const startMs = SOME_MIDNIGHT + startHour * 3_600_000;
  const traffic = generateTraffic(modelOptions({ ...model, startMs }));
  const [busiest] = busiestWindows(traffic.actions, 1);
  const visitors = busiest?.visitors ?? 0;
  return {
    visitors,
    listingsPerSession,
    numbers: Math.ceil(visitors * listingsPerSession),
    busiestAfterMinutes: busiest ? (busiest.windowStart - startMs) / 60_000 : null,
  };
}
