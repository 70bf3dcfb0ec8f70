import type { Tier, VisitorContext } from '@callpool/contracts';
import { IntrusiveList, Links, links } from './intrusive-list';
import { PoolPolicy } from './policy';

/**
 * The pool's state: the fold of the shard's events. `evolve` is its only
 * mutator (it mutates in place: copying a million-number pool per event is
 * not an option); `decide` only reads it. All times are epoch milliseconds.
 */
export type NumberState = 'available' | 'displayed' | 'locked' | 'cooling' | 'listing' | 'released';

export interface Holder {
  visitorId: string;
  sessionId: string | null;
  listingId: string;
}

export interface TrackingNumber {
  number: string;
  sid: string;
  areaCode?: string;
  renewsAt: number | null;
  state: NumberState;
  /** Displayed: its session holder; locked: the lock's (visitor, listing). */
  holder: Holder | null;
  /** Who held it last, once it is cooling or available again (late calls, same-visitor reuse). */
  lastHolder: Holder | null;
  lastListingId: string | null;
  /** The dealer of that listing when the number was freed (its index key in `freeByDealer` / `coolingByDealer`). */
  lastDealerId: string | null;
  /** When its last holding ended; -Infinity for a number never handed out. */
  lastUsedAt: number;
  coolingUntil: number;
  lockedUntil: number;
  lastCallSid: string | null;
  /** The listing it serves while in state `listing`. */
  listingId: string | null;
  readonly byAge: Links<TrackingNumber>;
  /** In `freeByListing` while available, in `coolingByListing` while cooling. */
  readonly byListing: Links<TrackingNumber>;
  /** In `freeByDealer` while available, in `coolingByDealer` while cooling. */
  readonly byDealer: Links<TrackingNumber>;
  /** In the cooling list or the lock list (a number is never in both). */
  readonly due: Links<TrackingNumber>;
}

export interface Session {
  sessionId: string;
  visitorId: string;
  startedAt: number;
  lastSeenAt: number;
  expiresAt: number;
  context: VisitorContext;
  /** listingId → the Pool 1 number it displays in this session. */
  holdings: Map<string, string>;
  viewed: Set<string>;
  /** Listings that wanted a Pool 1 number (session or overflow answers): the sizing demand. */
  wanted: Set<string>;
  countedWindow: number;
  readonly expiry: Links<Session>;
}

export interface Listing {
  listingId: string;
  dealerId: string;
  forwardTo: string;
  tier: Tier;
  /** What a caller hears in the caller menu (v3), if the directory gave it. */
  title?: string;
  dealerName?: string;
  number: string | null;
  sold: boolean;
  /** Numbers locked (Pool 2) on this listing. */
  locks: Set<string>;
}

export interface TrafficStats {
  /** 10-minute UTC window index → distinct sessions active in it. */
  sessionsPerWindow: Map<number, number>;
  sessionsObserved: number;
  listingsObserved: number;
  /** Window → Pool 1 holdings started in it (hand-outs): the turnover the cool-down reserve is sized on. */
  handoutsPerWindow: Map<number, number>;
  /** Window → hand-outs of a number still cooling (its cool-down cut short): the pool is short of numbers. */
  reclaimsPerWindow: Map<number, number>;
}

export interface ProvisioningHistory {
  /** Times of recent purchases, oldest first (rate cap). */
  recentPurchases: number[];
  consecutiveFailures: number;
}

export interface PoolState {
  readonly policy: PoolPolicy;
  numbers: Map<string, TrackingNumber>;
  sessions: Map<string, Session>;
  /** visitorId → their live sessions (the per-visitor session limit). */
  sessionsPerVisitor: Map<string, number>;
  listings: Map<string, Listing>;
  /** visitor + listing → locked number. */
  locks: Map<string, string>;
  /** visitor + listing → the number they held last, while it is cooling or free and not handed on. */
  recentHolders: Map<string, string>;
  /** Available numbers never handed out yet, in order of purchase: the least recently used of all. */
  freeFresh: IntrusiveList<TrackingNumber>;
  /** Available numbers handed out before, least recently used first. */
  freeByAge: IntrusiveList<TrackingNumber>;
  /** Available numbers by the listing they last served, least recently used first. */
  freeByListing: Map<string, IntrusiveList<TrackingNumber>>;
  /** Available numbers by the dealer whose listing they last served, least recently used first. */
  freeByDealer: Map<string, IntrusiveList<TrackingNumber>>;
  cooling: IntrusiveList<TrackingNumber>;
  /**
   * Cooling numbers by their last listing and by its dealer, longest rested
   * first: when nothing has finished cooling, a display still gets a number
   * (the cool-down is a target, not a gate), the one a late caller is least
   * likely to be misrouted by.
   */
  coolingByListing: Map<string, IntrusiveList<TrackingNumber>>;
  coolingByDealer: Map<string, IntrusiveList<TrackingNumber>>;
  lockExpiries: IntrusiveList<TrackingNumber>;
  sessionExpiries: IntrusiveList<Session>;
  counts: Record<NumberState, number>;
  traffic: TrafficStats;
  provisioning: ProvisioningHistory;
  /** Listing-level numbers of sold listings, waiting to be given back. */
  listingNumbersToRelease: Set<string>;
  /** The newest event time folded (manual clocks start no earlier). */
  lastEventAt: number;
}

export function createPoolState(policy: PoolPolicy): PoolState {
  return {
    policy,
    numbers: new Map(),
    sessions: new Map(),
    sessionsPerVisitor: new Map(),
    listings: new Map(),
    locks: new Map(),
    recentHolders: new Map(),
    freeFresh: new IntrusiveList((n) => n.byAge),
    freeByAge: new IntrusiveList((n) => n.byAge),
    freeByListing: new Map(),
    freeByDealer: new Map(),
    cooling: new IntrusiveList((n) => n.due),
    coolingByListing: new Map(),
    coolingByDealer: new Map(),
    lockExpiries: new IntrusiveList((n) => n.due),
    sessionExpiries: new IntrusiveList((s) => s.expiry),
    counts: { available: 0, displayed: 0, locked: 0, cooling: 0, listing: 0, released: 0 },
    traffic: {
      sessionsPerWindow: new Map(),
      sessionsObserved: 0,
      listingsObserved: 0,
      handoutsPerWindow: new Map(),
      reclaimsPerWindow: new Map(),
    },
    provisioning: { recentPurchases: [], consecutiveFailures: 0 },
    listingNumbersToRelease: new Set(),
    lastEventAt: 0,
  };
}

export function newTrackingNumber(
  number: string,
  sid: string,
  areaCode: string | undefined,
  renewsAt: number | null,
): TrackingNumber {
  return {
    number,
    sid,
    areaCode,
    renewsAt,
    state: 'available',
    holder: null,
    lastHolder: null,
    lastListingId: null,
    lastDealerId: null,
    lastUsedAt: -Infinity,
    coolingUntil: 0,
    lockedUntil: 0,
    lastCallSid: null,
    listingId: null,
    byAge: links(),
    byListing: links(),
    byDealer: links(),
    due: links(),
  };
}

export function newSession(sessionId: string, visitorId: string, at: number): Session {
  return {
    sessionId,
    visitorId,
    startedAt: at,
    lastSeenAt: at,
    expiresAt: at,
    context: {},
    holdings: new Map(),
    viewed: new Set(),
    wanted: new Set(),
    countedWindow: -1,
    expiry: links(),
  };
}

export function holderKey(visitorId: string, listingId: string): string {
  return `${visitorId}\u0000${listingId}`;
}

/** GET /v1/pool: numbers owned by state; listing-level numbers are not part of the pools. */
export function poolCounts(state: PoolState) {
  const { available, displayed, locked, cooling } = state.counts;
  return { total: available + displayed + locked + cooling, available, displayed, locked, cooling };
}

/** Every number we pay for (the POOL_MAX spend cap counts listing-level numbers too). */
export function ownedCount(state: PoolState): number {
  const c = state.counts;
  return c.available + c.displayed + c.locked + c.cooling + c.listing;
}
