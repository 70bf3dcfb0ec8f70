import { DisplayNumber, RecordPageView } from './commands';
import { PoolPolicy } from './policy';
import { PoolState, Session } from './state';

/**
 * Abuse limits. A bot storm must cost overflow answers, never numbers, and
 * must not talk the replenisher into buying: a display or page view beyond a
 * limit is still answered (overflow: the listing's number or the dealer's own
 * line, never an error the page must handle) and logged, but it opens no
 * session, takes no number and is not counted when the pool is sized.
 * Per-visitor limits cannot stop fresh visitor ids; the service's
 * per-address limit on new sessions (`mayOpenSession`) does.
 */
export type SessionRefusal = 'sessions_per_visitor' | 'sessions_per_address';
export type DisplayLimit = SessionRefusal | 'listings_per_session';

const LIMITS: ReadonlySet<string> = new Set<DisplayLimit>([
  'sessions_per_visitor',
  'sessions_per_address',
  'listings_per_session',
]);

/** Why this command may not open its session, or null. A session already open is never refused. */
export function sessionRefusal(
  cmd: DisplayNumber | RecordPageView,
  state: PoolState,
  policy: PoolPolicy,
): SessionRefusal | null {
  if (state.sessions.has(cmd.sessionId)) return null;
  if ((state.sessionsPerVisitor.get(cmd.visitorId) ?? 0) >= policy.maxSessionsPerVisitor) return 'sessions_per_visitor';
  return cmd.mayOpenSession === false ? 'sessions_per_address' : null;
}

/** Why this display gets no number of its own, or null: a refused session, or one more listing than a session may hold. */
export function displayLimit(
  cmd: DisplayNumber,
  session: Session | undefined,
  state: PoolState,
  policy: PoolPolicy,
): DisplayLimit | null {
  if (!session) return sessionRefusal(cmd, state, policy);
  if (session.holdings.has(cmd.listingId) || session.wanted.has(cmd.listingId)) return null;
  return session.wanted.size >= policy.maxListingsPerSession ? 'listings_per_session' : null;
}

/** An overflow for an abuse limit: no demand the replenisher should buy for. */
export function isAbuseLimit(overflowReason: string | undefined): boolean {
  return overflowReason !== undefined && LIMITS.has(overflowReason);
}
