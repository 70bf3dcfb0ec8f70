import { CallAction, Listing } from '../model';

export type DisplayPool = 'session' | 'locked' | 'listing' | 'overflow';

export interface Shown {
  number: string;
  pool: DisplayPool;
  attribution: string;
  sessionId: string;
  at: number;
}

/** How a call relates to what the visitor was shown (the report's split). */
export type CallCategory = 'in-session' | 'after-session' | 'pool-2' | 'listing-level';

export interface CallOutcome {
  callSid: string;
  at: number;
  category: CallCategory;
  timing: CallAction['timing'];
  visitorId: string;
  sessionId: string;
  listingId: string;
  dealerId: string;
  dialled: string;
  /** The phone the TwiML rang. */
  rang: string | null;
  shownPool: DisplayPool;
  shownAt: number;
  shownSessionId: string;
  /** For a Pool 2 call known only from an earlier call on the same number: that call (Pool 2 only if it locked the number). */
  previousCallSid?: string;
  /** A call after the session that showed the number ended: how long after (its expiry: last click + idle timeout). */
  lateMs?: number;
  /** The caller menu, when the call heard one: how many listings it offered and what the caller did. */
  menu?: { options: number; choice: MenuChoice };
}

/** What a simulated caller did with the caller menu: their listing's digit, another, nothing; or theirs was not offered. */
export type MenuChoice = 'right' | 'wrong' | 'none' | 'not-offered';

const key = (visitorId: string, listingId: string) => `${visitorId}|${listingId}`;

/**
 * The ground truth the simulator keeps while it plays: what each visitor was
 * shown for each listing, when each session was last active, who called what.
 */
export class Truth {
  private readonly shown = new Map<string, Shown>();
  private readonly lastSeen = new Map<string, number>();
  private readonly called = new Map<string, string>();
  readonly calls: CallOutcome[] = [];
  readonly displaysByPool: Record<DisplayPool, number> = { session: 0, locked: 0, listing: 0, overflow: 0 };
  readonly counts = {
    displays: 0,
    pageViews: 0,
    sales: 0,
    callsOnDealerLine: 0,
    callsWithoutNumber: 0,
    refused: 0,
    /** Overflow answers after the run's first simulated minute (the pool starts empty). */
    overflowAfterFirstMinute: 0,
    /** Overflow answers after which GET /v1/pool still showed cooling numbers (the contract forbids it). */
    overflowWhileCooling: 0,
  };

  constructor(
    private readonly listings: ReadonlyMap<string, Listing>,
    private readonly sessionIdleMs: number,
    private readonly runStartMs = 0,
  ) {}

  listing(listingId: string): Listing | undefined {
    return this.listings.get(listingId);
  }

  display(visitorId: string, listingId: string, shown: Shown): void {
    this.shown.set(key(visitorId, listingId), shown);
    this.displaysByPool[shown.pool]++;
    this.counts.displays++;
    if (shown.pool === 'overflow' && shown.at >= this.runStartMs + 60_000) this.counts.overflowAfterFirstMinute++;
    this.touch(shown.sessionId, shown.at);
  }

  touch(sessionId: string, at: number): void {
    if ((this.lastSeen.get(sessionId) ?? 0) < at) this.lastSeen.set(sessionId, at);
  }

  lastShown(visitorId: string, listingId: string): Shown | undefined {
    return this.shown.get(key(visitorId, listingId));
  }

  /** The number a caller dials is the one they saw last for that listing; is the call on the dealer's own line (overflow)? */
  onDealerLine(call: CallAction, shown: Shown): boolean {
    return shown.number === this.listings.get(call.listingId)?.forwardTo;
  }

  categorise(call: CallAction, shown: Shown): { category: CallCategory; previousCallSid?: string; lateMs?: number } {
    const listing = this.listings.get(call.listingId);
    if (shown.pool === 'listing' || (shown.pool === 'overflow' && shown.attribution === 'listing'))
      return { category: 'listing-level' };
    const lateMs = call.at - ((this.lastSeen.get(shown.sessionId) ?? -Infinity) + this.sessionIdleMs);
    if (lateMs < 0) return { category: 'in-session' };
    const sold = listing?.soldAt !== null && listing?.soldAt !== undefined && listing.soldAt <= call.at;
    if (sold) return { category: 'after-session', lateMs };
    if (shown.pool === 'locked') return { category: 'pool-2', lateMs };
    const previousCallSid = this.called.get(`${key(call.visitorId, call.listingId)}|${shown.number}`);
    return previousCallSid ? { category: 'pool-2', previousCallSid, lateMs } : { category: 'after-session', lateMs };
  }

  recordCall(outcome: CallOutcome): void {
    this.calls.push(outcome);
    this.called.set(`${key(outcome.visitorId, outcome.listingId)}|${outcome.dialled}`, outcome.callSid);
  }
}
