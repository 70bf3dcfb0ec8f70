import { isAbuseLimit } from './abuse-limits';
import { nextRenewal } from './decide-provisioning';
import { PoolPolicy, SIZING_WINDOW_MS } from './policy';
import { ownedCount, PoolState } from './state';
import { cooldownWindows, peakHandOutsOver, recentReclaims } from './turnover';

/**
 * How many Pool 1 numbers (available + displayed + cooling) the pool should
 * own, and how many more it would want if POOL_MAX allowed:
 * - the seed rule: peak distinct sessions over the trailing 10-minute UTC
 *   windows × listings per session (observed, or the default before enough
 *   sessions ended) × a safety margin, at least POOL_FLOOR;
 * - plus a reserve for the cool-down target: the most hand-outs within one
 *   cool-down period of the lookback, so that each freed number can rest that
 *   long before the next visitor gets it (late callers reach the right visitor);
 * - and when numbers were just handed on before their cool-down was over
 *   (reclaims), at least that many more than Pool 1 has now.
 * Pool 2 is not sized: called numbers leave Pool 1 and the target refills it.
 * The cap leaves room for them: Pool 1 gets POOL_MAX less the locked and
 * listing-level numbers; what the budget cannot buy is `wanted`.
 */
export interface PoolSizing {
  seed: number;
  cooldownReserve: number;
  desired: number;
  target: number;
  wanted: number;
}

export function poolSizing(state: PoolState, now: number, policy: PoolPolicy): PoolSizing {
  const current = Math.floor(now / SIZING_WINDOW_MS);
  const oldest = current - policy.sizingLookbackWindows + 1;
  let peak = 0;
  for (const [window, sessions] of state.traffic.sessionsPerWindow)
    if (window >= oldest && window <= current && sessions > peak) peak = sessions;
  const seed = Math.max(policy.poolFloor, Math.ceil(peak * listingsPerSession(state, policy) * policy.safetyMargin));
  const span = cooldownWindows(policy.cooldownMs);
  const cooldownReserve = peakHandOutsOver(state.traffic.handoutsPerWindow, oldest, current, span);
  const { available, displayed, cooling, locked, listing } = state.counts;
  const shortfall = recentReclaims(state, now);
  const desired = Math.max(seed + cooldownReserve, shortfall > 0 ? available + displayed + cooling + shortfall : 0);
  const capacity = Math.max(0, policy.poolMax - locked - listing);
  return {
    seed,
    cooldownReserve,
    desired,
    target: Math.min(desired, capacity),
    wanted: Math.max(0, desired - capacity),
  };
}

export function poolTarget(state: PoolState, now: number, policy: PoolPolicy): number {
  return poolSizing(state, now, policy).target;
}

export function listingsPerSession(state: PoolState, policy: PoolPolicy): number {
  const { sessionsObserved, listingsObserved } = state.traffic;
  if (sessionsObserved < policy.minSessionsObserved) return policy.listingsPerSession;
  return Math.max(1, listingsObserved / sessionsObserved);
}

export interface ReplenishmentPlan {
  target: number;
  /** Numbers the plan would buy beyond POOL_MAX (GET /v1/pool `wanted`). */
  wanted: number;
  /** Purchases to start now. */
  buy: number;
  release: Array<{ number: string; reason: 'surplus' | 'listing_sold' }>;
}

/**
 * PlanReplenishment, a query: `inFlight` is the purchases under way (the
 * service's, not the log's: a purchase that died with a process is simply
 * not under way any more).
 */
export function planReplenishment(
  state: PoolState,
  now: number,
  policy: PoolPolicy,
  inFlight: number,
): ReplenishmentPlan {
  const { target, wanted: beyondCap } = poolSizing(state, now, policy);
  const { available, displayed, cooling } = state.counts;
  const poolOne = available + displayed + cooling;
  const low = lowWatermark(target, policy);
  const wanted = Math.max(target - poolOne - inFlight, low - available - inFlight, 0);
  const underCap = Math.max(0, policy.poolMax - ownedCount(state) - inFlight);
  const buy = Math.min(wanted, underCap, policy.provisionStep, purchasesLeftThisMinute(state, now, policy, inFlight));
  const release = buy > 0 ? [] : surplus(state, now, policy, target, poolOne);
  for (const number of state.listingNumbersToRelease) release.push({ number, reason: 'listing_sold' });
  return { target, wanted: beyondCap, buy, release };
}

/**
 * Whether a display should wake the replenisher now rather than at its next
 * round: it answered overflow, it cut a number's cool-down short, or it took
 * the free numbers below the low watermark. An overflow for an abuse limit is
 * no demand (abuse-limits.ts).
 */
export function wakesReplenisher(
  shown: { pool: string; assignmentStarted: boolean; reclaimed?: boolean; overflowReason?: string },
  state: PoolState,
  now: number,
  policy: PoolPolicy,
): boolean {
  if (shown.pool === 'overflow') return !isAbuseLimit(shown.overflowReason);
  if (shown.reclaimed) return true;
  if (!shown.assignmentStarted) return false;
  return state.counts.available < lowWatermark(poolTarget(state, now, policy), policy);
}

/** Fewer free numbers than this start purchases, even with Pool 1 at its target. */
export function lowWatermark(target: number, policy: PoolPolicy): number {
  return Math.max(1, policy.minFree, Math.ceil(target * policy.lowWatermarkFraction));
}

function purchasesLeftThisMinute(state: PoolState, now: number, policy: PoolPolicy, inFlight: number): number {
  const purchases = state.provisioning.recentPurchases;
  let recent = 0;
  for (let i = purchases.length - 1; i >= 0 && purchases[i] > now - 60_000; i--) recent++;
  return Math.max(0, policy.provisionRatePerMinute - recent - inFlight);
}

/**
 * Hysteresis: start only well above target, stop at a level still above it,
 * so a release never triggers a purchase. Only numbers idle for long and
 * close to their monthly renewal (the month is paid for anyway); the least
 * recently used come first.
 */
function surplus(
  state: PoolState,
  now: number,
  policy: PoolPolicy,
  target: number,
  poolOne: number,
): ReplenishmentPlan['release'] {
  const release: ReplenishmentPlan['release'] = [];
  if (poolOne <= target * policy.releaseAboveRatio) return release;
  const keep = Math.max(policy.poolFloor, Math.ceil(target * policy.releaseDownToRatio));
  let excess = Math.min(poolOne - keep, policy.provisionStep);
  for (const list of [state.freeFresh, state.freeByAge]) {
    for (let n = list.head; n !== null && excess > 0; n = list.next(n)) {
      if (n.lastUsedAt > now - policy.releaseIdleMs) break;
      if (n.renewsAt !== null && nextRenewal(n.renewsAt, now) - now > policy.releaseBeforeRenewalMs) continue;
      release.push({ number: n.number, reason: 'surplus' });
      excess--;
    }
  }
  return release;
}
