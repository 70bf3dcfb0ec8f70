/**
 * The knobs of the pool's rules, all in milliseconds or counts. The service
 * builds one from its environment (SESSION_IDLE_SECONDS, LOCK_DAYS, ...); the
 * domain only ever reads it, never the environment itself.
 */
/**
 * Which free number a new holder gets (after the visitor's own recent number):
 * - `lru`: the least recently used of all;
 * - `listing`: one last shown on this listing, else the least recently used;
 * - `dealer`: one last shown on this listing, else on another listing of the same dealer, else the
 *   least recently used. A late caller on a reused number then still rings the dealer they meant.
 * docs/simulation.md measures each against late-call accuracy.
 */
export type ReusePolicy = 'lru' | 'listing' | 'dealer';
export const REUSE_POLICIES: readonly ReusePolicy[] = ['lru', 'listing', 'dealer'];

export interface PoolPolicy {
  sessionIdleMs: number;
  lockMs: number;
  /**
   * How long a freed number should rest before another visitor gets it: a
   * target the replenisher buys numbers for, not a gate. When nothing has
   * finished cooling, a cooling number is handed out rather than overflow.
   */
  cooldownMs: number;
  reuse: ReusePolicy;
  /** Listings per session assumed for sizing until enough sessions have been observed. */
  listingsPerSession: number;
  /** Sessions that must have ended before their observed listings-per-session replaces the default. */
  minSessionsObserved: number;
  poolFloor: number;
  /** Hard cap on numbers owned (every state but released, listing-level numbers included): the spend limit. */
  poolMax: number;
  /** How many 10-minute UTC windows back the sizing peak looks (144 = one day). */
  sizingLookbackWindows: number;
  safetyMargin: number;
  /** Free numbers below this fraction of the target (at least one) trigger a purchase even at target. */
  lowWatermarkFraction: number;
  /**
   * ...and never fewer free numbers than this. At night the target sits at the
   * floor, 10 % of it is one or two numbers, and with a long cool-down every
   * display takes a number out for hours: a handful of visitors arriving
   * together would empty the pool before the purchases they trigger complete.
   */
  minFree: number;
  /** Purchases started per replenishment round. */
  provisionStep: number;
  /** Purchases per minute, whatever the demand. */
  provisionRatePerMinute: number;
  /** Surplus releases start above target × this... */
  releaseAboveRatio: number;
  /** ...and stop at target × this (hysteresis: no buy/release churn). */
  releaseDownToRatio: number;
  /** Only numbers unused for this long are released. */
  releaseIdleMs: number;
  /** Only numbers whose monthly renewal falls within this are released (a month is paid for anyway). */
  releaseBeforeRenewalMs: number;
  /** Events per expiry pass; the service loops until nothing is due. */
  expiryBatchLimit: number;
  /**
   * Abuse limits: distinct listings one session may hold numbers for, and
   * live sessions one visitor may have. Beyond them a display answers
   * overflow, takes no number and is not counted when the pool is sized.
   */
  maxListingsPerSession: number;
  maxSessionsPerVisitor: number;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const DEFAULT_POLICY: PoolPolicy = {
  sessionIdleMs: 10 * MINUTE,
  lockMs: 30 * DAY,
  // An hour: calls within the hour after a session reach their visitor once the budget buys the reserve
  // (the POOL_MAX sweep in docs/simulation.md: at 30 minutes accuracy within the hour stops growing with
  // the cap at about 2x the seed rule, because every reused number had rested exactly its target).
  cooldownMs: 60 * MINUTE,
  reuse: 'dealer',
  listingsPerSession: 5,
  minSessionsObserved: 20,
  poolFloor: 20,
  // The spend cap a new directory starts with: enough for a busiest 10-minute window of 300 visitors
  // (the seed rule's 1 500 numbers and its margin) plus a cool-down reserve; docs/simulation.md.
  poolMax: 2000,
  sizingLookbackWindows: 144,
  safetyMargin: 1.2,
  lowWatermarkFraction: 0.1,
  minFree: 10,
  provisionStep: 10,
  provisionRatePerMinute: 120,
  releaseAboveRatio: 1.5,
  releaseDownToRatio: 1.2,
  releaseIdleMs: DAY,
  releaseBeforeRenewalMs: 2 * DAY,
  expiryBatchLimit: 2000,
  // Far above a shopper (the simulator's sessions view 5 listings on average) and a handful of tabs or devices.
  maxListingsPerSession: 30,
  maxSessionsPerVisitor: 5,
};

export function poolPolicy(overrides: Partial<PoolPolicy> = {}): PoolPolicy {
  return { ...DEFAULT_POLICY, ...overrides };
}

/** Sizing counts distinct sessions per 10-minute window aligned to UTC (DESIGN.md). */
export const SIZING_WINDOW_MS = 10 * MINUTE;
