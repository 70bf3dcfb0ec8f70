/**
 * The directory's day: quiet at night, a plateau through the day, a lunch
 * peak around 12:30 and a bigger after-dinner peak around 20:30 (people
 * browse cars from the sofa). Hours are the simulated clock's UTC hours.
 */
export interface DailyCurve {
  /** Relative traffic at this hour of day (mean 1 over a day). */
  at(hourOfDay: number): number;
  /** The largest value `at` takes: the envelope for thinning. */
  readonly max: number;
}

export interface CurveShape {
  night: number;
  day: number;
  lunchPeak: number;
  lunchHour: number;
  eveningPeak: number;
  eveningHour: number;
}

export const DEFAULT_CURVE: CurveShape = {
  night: 0.15,
  day: 0.8,
  lunchPeak: 1.0,
  lunchHour: 12.5,
  eveningPeak: 1.6,
  eveningHour: 20.5,
};

const bump = (h: number, centre: number, width: number) => Math.exp(-((h - centre) ** 2) / (2 * width * width));
/** 0 before 7:00, 1 from 9:00 to 22:00, 0 after 24:00, smooth in between. */
const daytime = (h: number) => smoothStep(7, 9, h) * (1 - smoothStep(22, 24, h));

function smoothStep(from: number, to: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - from) / (to - from)));
  return t * t * (3 - 2 * t);
}

function rawShape(shape: CurveShape, h: number): number {
  return (
    shape.night +
    shape.day * daytime(h) +
    shape.lunchPeak * bump(h, shape.lunchHour, 1) +
    shape.eveningPeak * bump(h, shape.eveningHour, 1.3)
  );
}

export function dailyCurve(shape: CurveShape = DEFAULT_CURVE): DailyCurve {
  const steps = 24 * 60;
  let sum = 0;
  let max = 0;
  for (let i = 0; i < steps; i++) {
    const value = rawShape(shape, (i + 0.5) / 60);
    sum += value;
    max = Math.max(max, value);
  }
  const mean = sum / steps;
  return { at: (h) => rawShape(shape, ((h % 24) + 24) % 24) / mean, max: (max / mean) * 1.01 };
}

/** Expected arrivals between two instants (ms) at `perDay` visitors a day: the curve's integral. */
export function expectedArrivals(curve: DailyCurve, perDay: number, fromMs: number, toMs: number): number {
  const stepMs = 60_000;
  let total = 0;
  for (let t = fromMs; t < toMs; t += stepMs) {
    const slice = Math.min(stepMs, toMs - t);
    total += curve.at(hourOf(t + slice / 2)) * (slice / 86_400_000);
  }
  return total * perDay;
}

export function hourOf(ms: number): number {
  return (((ms % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000;
}
