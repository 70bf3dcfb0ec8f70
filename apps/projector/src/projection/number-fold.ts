import { CallpoolEvent } from '@callpool/contracts';
import { AssignmentRow, Holder, NumberLedger, NumberState, StateIntervalRow, TrackingNumberRow } from './number-ledger';

/**
 * Folds allocation events into each number's current row, its holding
 * stretches and its state intervals. Pure: the batch loads the ledgers, folds
 * the events in log order (one shard's events are totally ordered in its
 * partition) and writes back only what changed. Ids of new stretches and
 * intervals derive from the event id, so a replay writes identical rows.
 */
export class NumberFold {
  private readonly touchedAssignments = new Map<string, AssignmentRow>();
  private readonly touchedIntervals = new Map<string, StateIntervalRow>();
  private readonly touchedNumbers = new Set<string>();

  constructor(private readonly ledgers: Map<string, NumberLedger>) {}

  apply(event: CallpoolEvent): void {
    const at = event.occurredAt;
    switch (event.type) {
      case 'NumberProvisioned':
        return this.transition(event.id, event.data.number, 'available', at, {
          pool: null,
          visitor_id: null,
          session_id: null,
          listing_id: null,
          locked_until: null,
          provisioned_at: at,
          released_at: null,
          twilio_sid: event.data.sid,
        });
      case 'NumberDisplayed':
        if (event.data.pool === 'session') return this.displayed(event.id, at, event.data);
        return;
      case 'SessionExpired':
        for (const cooling of event.data.numbersCooling) this.sessionEnded(event.id, cooling.number, at);
        return;
      case 'NumberCooledDown':
        return this.transition(event.id, event.data.number, 'available', at, { pool: null });
      case 'NumberLocked':
        return this.locked(event.id, at, event.data);
      case 'NumberUnlocked':
        this.endStretch(event.data.number, at, event.data.reason);
        return this.transition(event.id, event.data.number, 'cooling', at, { pool: null, locked_until: null });
      case 'ListingNumberAssigned':
        // Out of the pool for good (until sold and released): neither free nor held by a visitor.
        this.endStretch(event.data.number, at, 'reassigned');
        return this.transition(event.id, event.data.number, 'listing', at, {
          pool: null,
          visitor_id: null,
          session_id: null,
          listing_id: event.data.listingId,
          locked_until: null,
        });
      case 'NumberReleased':
        this.endStretch(event.data.number, at, 'released');
        return this.transition(event.id, event.data.number, 'released', at, {
          pool: null,
          locked_until: null,
          released_at: at,
        });
      default:
        return;
    }
  }

  result(): { numbers: TrackingNumberRow[]; assignments: AssignmentRow[]; intervals: StateIntervalRow[] } {
    const numbers = [...this.touchedNumbers].map((number) => this.ledgers.get(number)!.row!);
    return {
      numbers,
      assignments: [...this.touchedAssignments.values()],
      intervals: [...this.touchedIntervals.values()],
    };
  }

  private displayed(
    eventId: string,
    at: string,
    data: { number: string } & Holder & { assignmentStarted: boolean },
  ): void {
    const open = this.ledger(data.number).openAssignment;
    const sameStretch = open?.pool === 1 && open.session_id === data.sessionId && open.listing_id === data.listingId;
    // A later display of the same (session, listing) only slides the session; anything else starts a stretch.
    if (sameStretch && !data.assignmentStarted) return;
    this.endStretch(data.number, at, 'reassigned');
    this.startStretch(eventId, data.number, 1, data, at);
    this.transition(eventId, data.number, 'displayed', at, {
      pool: 1,
      visitor_id: data.visitorId,
      session_id: data.sessionId,
      listing_id: data.listingId,
      locked_until: null,
    });
  }

  private sessionEnded(eventId: string, number: string, at: string): void {
    // A called number is Pool 2 now; the session's end does not free it.
    if (this.ledger(number).openAssignment?.pool === 2) return;
    this.endStretch(number, at, 'session_expired');
    this.transition(eventId, number, 'cooling', at, { pool: null, locked_until: null });
  }

  private locked(eventId: string, at: string, data: Holder & { number: string; lockedUntil: string }): void {
    const open = this.ledger(data.number).openAssignment;
    const sameLock = open?.pool === 2 && open.visitor_id === data.visitorId && open.listing_id === data.listingId;
    if (!sameLock) {
      this.endStretch(data.number, at, open?.pool === 1 ? 'called' : 'reassigned');
      this.startStretch(eventId, data.number, 2, data, at);
    }
    this.transition(eventId, data.number, 'locked', at, {
      pool: 2,
      visitor_id: data.visitorId,
      session_id: data.sessionId,
      listing_id: data.listingId,
      locked_until: data.lockedUntil,
    });
  }

  private ledger(number: string): NumberLedger {
    let ledger = this.ledgers.get(number);
    if (!ledger) this.ledgers.set(number, (ledger = {}));
    return ledger;
  }

  private startStretch(eventId: string, number: string, pool: 1 | 2, holder: Holder, at: string): void {
    const stretch: AssignmentRow = {
      assignment_id: `${eventId}:${number}`,
      number,
      pool,
      started_at: at,
      ended_at: null,
      end_reason: null,
      visitor_id: holder.visitorId,
      session_id: holder.sessionId,
      listing_id: holder.listingId,
    };
    this.ledger(number).openAssignment = stretch;
    this.touchedAssignments.set(stretch.assignment_id, stretch);
  }

  private endStretch(number: string, at: string, reason: string): void {
    const ledger = this.ledger(number);
    const open = ledger.openAssignment;
    if (!open) return;
    const ended = { ...open, ended_at: at, end_reason: reason };
    this.touchedAssignments.set(ended.assignment_id, ended);
    ledger.openAssignment = undefined;
  }

  /** Moves the number to `state`; a change of state closes one interval and opens the next (none while released). */
  private transition(
    eventId: string,
    number: string,
    state: NumberState,
    at: string,
    patch: Partial<TrackingNumberRow>,
  ): void {
    const ledger = this.ledger(number);
    const row: TrackingNumberRow = ledger.row ?? emptyRow(number, state, at);
    if (!ledger.row || row.state !== state) {
      if (ledger.openInterval)
        this.touchedIntervals.set(ledger.openInterval.interval_id, { ...ledger.openInterval, ended_at: at });
      ledger.openInterval = undefined;
      if (state !== 'released') {
        const opened: StateIntervalRow = {
          interval_id: `${eventId}:${number}`,
          number,
          state,
          started_at: at,
          ended_at: null,
        };
        ledger.openInterval = opened;
        this.touchedIntervals.set(opened.interval_id, opened);
      }
      row.state_since = at;
    }
    ledger.row = { ...row, ...patch, state };
    this.touchedNumbers.add(number);
  }
}

function emptyRow(number: string, state: NumberState, at: string): TrackingNumberRow {
  return {
    number,
    state,
    pool: null,
    visitor_id: null,
    session_id: null,
    listing_id: null,
    locked_until: null,
    provisioned_at: null,
    released_at: null,
    twilio_sid: null,
    state_since: at,
  };
}
