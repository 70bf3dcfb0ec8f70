import { CurveShape, DEFAULT_CURVE } from './curve';

/** Every knob of the traffic model; the CLI exposes them with these defaults. */
export interface ModelOptions {
  seed: string;
  /** Prefix of every id (listings, dealers, visitors, sessions, calls). */
  runId: string;
  /** Simulated start (ms since epoch); a UTC midnight reads best. */
  startMs: number;
  days: number;
  /** Hours the run goes on after the last arrival: sessions finish and late calls come in, nobody new arrives. */
  tailHours: number;
  visitorsPerDay: number;
  listings: number;
  listingsPerDealer: number;
  /** Share of dealers on the premium tier (visitor-level attribution). */
  premiumShare: number;
  /** Share of arrivals who visited before. */
  returningShare: number;
  /** A returning visitor's listing picks come from what they saw before with this probability. */
  revisitShare: number;
  /** Mean listings viewed per session (at least one). */
  listingsPerSession: number;
  /** Mean extra page views on a listing page beyond the first (gallery, save, ...). */
  extraPagesPerListing: number;
  /** Mean think time after a page view, seconds. */
  thinkSeconds: number;
  /** Chance that viewing a listing leads to a call. */
  callProbability: number;
  /** How the first call on a listing is timed: weights of in-session, after-session, hours-later, days-later. */
  callTimingMix: [number, number, number, number];
  /** Chance that a call is followed by another one to the same listing. */
  repeatCallProbability: number;
  /** Mean delay of a repeat call, hours. */
  repeatDelayHours: number;
  answerRate: number;
  meanCallSeconds: number;
  /** Share of listings sold per simulated day. */
  salesPerDay: number;
  /** Must match the allocator's SESSION_IDLE_SECONDS: decides when a session is over. */
  sessionIdleSeconds: number;
  curve: CurveShape;
}

export const DEFAULT_MODEL: Omit<ModelOptions, 'seed' | 'runId' | 'startMs'> = {
  days: 1,
  tailHours: 0,
  visitorsPerDay: 3000,
  listings: 600,
  listingsPerDealer: 6,
  premiumShare: 0.7,
  returningShare: 0.3,
  revisitShare: 0.5,
  listingsPerSession: 5,
  extraPagesPerListing: 1,
  thinkSeconds: 50,
  callProbability: 0.04,
  callTimingMix: [0.45, 0.25, 0.2, 0.1],
  repeatCallProbability: 0.25,
  repeatDelayHours: 20,
  answerRate: 0.8,
  meanCallSeconds: 150,
  salesPerDay: 0.03,
  sessionIdleSeconds: 600,
  curve: DEFAULT_CURVE,
};

export function modelOptions(overrides: Partial<ModelOptions> & Pick<ModelOptions, 'seed' | 'startMs'>): ModelOptions {
  return { ...DEFAULT_MODEL, runId: `s${overrides.seed}`, ...overrides };
}
