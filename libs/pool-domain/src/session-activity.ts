import type { VisitorContext } from '@callpool/contracts';
import { SIZING_WINDOW_MS } from './policy';
import { newSession, PoolState, Session } from './state';

/**
 * Activity (a display or a page view) at `at`: opens the session if there is
 * none, slides its expiry, and counts it once in the 10-minute window of `at`
 * for sizing. Page views can arrive late or out of order (another producer on
 * callpool.web-events, or a replay that reads web-events first), so
 * `lastSeenAt` only moves forward.
 */
export function touchSession(state: PoolState, sessionId: string, visitorId: string, at: number): Session {
  let session = state.sessions.get(sessionId);
  if (!session) {
    session = newSession(sessionId, visitorId, at);
    state.sessions.set(sessionId, session);
    state.sessionsPerVisitor.set(visitorId, (state.sessionsPerVisitor.get(visitorId) ?? 0) + 1);
  }
  if (at > session.lastSeenAt || !session.expiry.owner) {
    session.lastSeenAt = Math.max(session.lastSeenAt, at);
    session.expiresAt = session.lastSeenAt + state.policy.sessionIdleMs;
    state.sessionExpiries.remove(session);
    state.sessionExpiries.insertSorted(session, (s) => s.expiresAt);
  }
  countInWindow(state, session, at);
  return session;
}

/** First value wins per field (CONTRACT.md): the landing context describes how the session began. */
export function mergeContext(session: Session, context: VisitorContext | undefined): void {
  if (!context) return;
  const target = session.context;
  if (target.source === undefined && context.source !== undefined) target.source = context.source;
  if (target.searchTerm === undefined && context.searchTerm !== undefined) target.searchTerm = context.searchTerm;
  if (target.referrer === undefined && context.referrer !== undefined) target.referrer = context.referrer;
  if (target.landingPage === undefined && context.landingPage !== undefined) target.landingPage = context.landingPage;
  if (context.demographics) target.demographics = { ...context.demographics, ...target.demographics };
}

/**
 * The session has ended at `lastSeenAt` (SessionExpired). If activity after
 * that instant was already folded (a replay that read the page views first),
 * that activity is a new session under the same id: keep it, without the
 * ended session's holdings.
 */
export function endSession(state: PoolState, sessionId: string, lastSeenAt: number): void {
  const session = state.sessions.get(sessionId);
  if (!session) return;
  state.traffic.sessionsObserved++;
  state.traffic.listingsObserved += session.wanted.size;
  if (session.lastSeenAt > lastSeenAt) {
    session.holdings.clear();
    session.wanted.clear();
    session.viewed.clear();
    session.context = {};
    session.startedAt = lastSeenAt + state.policy.sessionIdleMs;
    return;
  }
  state.sessionExpiries.remove(session);
  state.sessions.delete(sessionId);
  const live = (state.sessionsPerVisitor.get(session.visitorId) ?? 1) - 1;
  if (live > 0) state.sessionsPerVisitor.set(session.visitorId, live);
  else state.sessionsPerVisitor.delete(session.visitorId);
}

function countInWindow(state: PoolState, session: Session, at: number): void {
  const window = Math.floor(at / SIZING_WINDOW_MS);
  if (window <= session.countedWindow) return;
  session.countedWindow = window;
  const perWindow = state.traffic.sessionsPerWindow;
  const count = perWindow.get(window);
  if (count === undefined) {
    perWindow.set(window, 1);
    pruneWindows(state, window);
  } else perWindow.set(window, count + 1);
}

function pruneWindows(state: PoolState, newest: number): void {
  const oldest = newest - state.policy.sizingLookbackWindows;
  for (const window of state.traffic.sessionsPerWindow.keys())
    if (window < oldest) state.traffic.sessionsPerWindow.delete(window);
}
