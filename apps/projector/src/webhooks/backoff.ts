export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
  giveUpMs: number;
}

/**
 * Exponential back-off with jitter: the n-th failure waits base × 2^(n-1),
 * capped, then a random 50–100 % of that, so a dealer's server coming back
 * is not hit by every queued delivery at the same instant.
 */
export function nextAttemptDelayMs(policy: BackoffPolicy, attempts: number, random = Math.random()): number {
  const exponential = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(exponential * (0.5 + 0.5 * random));
}

/** Null once the next attempt would fall beyond the give-up horizon counted from the enqueueing. */
export function nextAttemptAt(policy: BackoffPolicy, attempts: number, enqueuedAt: Date, now: Date): Date | null {
  const next = new Date(now.getTime() + nextAttemptDelayMs(policy, attempts));
  return next.getTime() - enqueuedAt.getTime() > policy.giveUpMs ? null : next;
}
