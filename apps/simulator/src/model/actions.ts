/**
 * What the model produces: the directory's catalogue, and a time-ordered
 * stream of what visitors (and the directory) do. Every action carries its
 * ground truth: who really acted, on which listing, in which session.
 */
export type Tier = 'premium' | 'standard';

export interface Dealer {
  dealerId: string;
  forwardTo: string;
  tier: Tier;
  /** What a caller hears in the caller menu after the car's title ("Smith Motors"). */
  name: string;
}

export interface Listing {
  listingId: string;
  dealerId: string;
  forwardTo: string;
  tier: Tier;
  /** What the caller hears in the caller menu ("2019 Honda Civic"); several listings may share one. */
  title: string;
  dealerName: string;
  /** Relative popularity (views are drawn in proportion). */
  weight: number;
  /** When the car sells during the run (ms), or null. */
  soldAt: number | null;
}

export interface VisitorContext {
  source: string;
  searchTerm?: string;
  referrer?: string;
  landingPage: string;
  demographics: { ageBand: string; region: string };
}

export type CallTiming = 'in-session' | 'after-session' | 'hours-later' | 'days-later' | 'repeat';

interface ActionBase {
  at: number;
  /** Position in the stream: a tie-breaker that keeps the order total. */
  seq: number;
}

export interface DisplayAction extends ActionBase {
  kind: 'display';
  visitorId: string;
  sessionId: string;
  listingId: string;
  /** Sent with the session's first display only. */
  context?: VisitorContext;
}

export interface PageViewAction extends ActionBase {
  kind: 'page-view';
  visitorId: string;
  sessionId: string;
  url: string;
  action: string;
  listingId?: string;
}

export interface CallAction extends ActionBase {
  kind: 'call';
  callSid: string;
  visitorId: string;
  /** The caller's phone (Twilio's From). */
  caller: string;
  listingId: string;
  dealerId: string;
  /** The session in which the visitor viewed the listing that led to this call. */
  sessionId: string;
  timing: CallTiming;
  answered: boolean;
  durationS: number;
}

export interface SaleAction extends ActionBase {
  kind: 'sale';
  listingId: string;
}

export type Action = DisplayAction | PageViewAction | CallAction | SaleAction;

export interface SessionTruth {
  sessionId: string;
  visitorId: string;
  returning: boolean;
  startedAt: number;
  lastActivityAt: number;
  listingsViewed: number;
  pageViews: number;
}

export interface Traffic {
  startMs: number;
  /** Visitors arrive until here (`days`); after it only late calls (the tail) play until `endMs`. */
  trafficEndMs: number;
  endMs: number;
  dealers: Dealer[];
  listings: Listing[];
  sessions: SessionTruth[];
  /** Time-ordered (then by seq). */
  actions: Action[];
  /** Calls the model planned after the run's end (not played), by timing. */
  callsAfterEnd: Record<CallTiming, number>;
  visitors: number;
}

export function compareActions(a: Action, b: Action): number {
  return a.at - b.at || a.seq - b.seq;
}

/** An action before it has its place in the stream. */
export type Unsequenced<T extends Action = Action> = T extends Action ? Omit<T, 'seq'> : never;
