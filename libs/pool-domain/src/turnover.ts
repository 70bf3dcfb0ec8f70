import { SIZING_WINDOW_MS } from './policy';
import { PoolState } from './state';

/**
 * Hand-outs per 10-minute UTC window: how fast Pool 1 turns over. Every
 * holding that ends should rest for the cool-down before the next visitor
 * gets its number, so the numbers resting at any moment are about the
 * hand-outs of the last cool-down period; reclaims (numbers handed on before
 * their cool-down was over) say the pool is short of that.
 */
export function countHandOut(state: PoolState, at: number, reclaimed: boolean): void {
  const window = Math.floor(at / SIZING_WINDOW_MS);
  const { handoutsPerWindow, reclaimsPerWindow } = state.traffic;
  bump(state, handoutsPerWindow, window);
  if (reclaimed) bump(state, reclaimsPerWindow, window);
}

function bump(state: PoolState, perWindow: Map<number, number>, window: number): void {
  const count = perWindow.get(window);
  if (count !== undefined) {
    perWindow.set(window, count + 1);
    return;
  }
  perWindow.set(window, 1);
  const oldest = window - state.policy.sizingLookbackWindows - cooldownWindows(state.policy.cooldownMs);
  for (const w of perWindow.keys()) if (w < oldest) perWindow.delete(w);
}

/** Whole windows a cool-down spans (at least one). */
export function cooldownWindows(cooldownMs: number): number {
  return Math.max(1, Math.ceil(cooldownMs / SIZING_WINDOW_MS));
}

/**
 * The most hand-outs within any `span` consecutive windows ending in
 * [oldest, newest]: the numbers the cool-down target keeps resting at the
 * busiest time of the lookback.
 */
export function peakHandOutsOver(perWindow: Map<number, number>, oldest: number, newest: number, span: number): number {
  const first = oldest - span + 1;
  let peak = 0;
  let sum = 0;
  for (let w = first; w <= newest; w++) {
    sum += perWindow.get(w) ?? 0;
    if (w - span >= first) sum -= perWindow.get(w - span) ?? 0;
    if (w >= oldest && sum > peak) peak = sum;
  }
  return peak;
}

/** Reclaims in the current and the previous window: the pool fell short of its cool-down target just now. */
export function recentReclaims(state: PoolState, now: number): number {
  const window = Math.floor(now / SIZING_WINDOW_MS);
  const perWindow = state.traffic.reclaimsPerWindow;
  return (perWindow.get(window) ?? 0) + (perWindow.get(window - 1) ?? 0);
}
