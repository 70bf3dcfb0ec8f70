import { CallpoolEvent } from '@callpool/contracts';
import { isPoolEvent, NumberChange, numberChanges, NumberStatus, PoolEvent } from '@callpool/pool-domain';
import { AssignmentRow, Holder, NumberLedger, NumberState, StateIntervalRow, TrackingNumberRow } from './number-ledger';

/**
 * Folds allocation events into each number's current row, its holding
 * stretches and its state intervals. What an event does to a number is the
 * shared lifecycle's (libs/pool-domain `numberChanges`, the allocator's and
 * call-ingest's too); this writes it as rows. Pure: the batch loads the ledgers, folds
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
    if (!isPoolEvent(event)) return;
    for (const change of numberChanges(event, (number) => this.statusOf(number))) this.follow(event, change);
  }

  /** The shared lifecycle's view of a number, from its current row. */
  private statusOf(number: string): NumberStatus | undefined {
    const row = this.ledgers.get(number)?.row;
    if (!row) return undefined;
    const holds = (row.state === 'displayed' || row.state === 'locked') && row.visitor_id && row.listing_id;
    const holder = holds ? { visitorId: row.visitor_id!, sessionId: row.session_id, listingId: row.listing_id! } : null;
    return { state: row.state, holder };
  }

  /** Rows of one change: the holding that ended, the one that started, the number's new state. */
  private follow(event: PoolEvent & { id: string }, change: NumberChange): void {
    const { number, at } = change;
    // A lock shown again in a newer session changes no row: the Pool 2 stretch keeps the session it was called from.
    if (change.from === 'locked' && change.to === 'locked' && change.lockedUntil === undefined) return;
    if (change.ended) this.endStretch(number, at, change.ended.reason);
    if (change.started && change.holder) this.startStretch(event.id, number, change.started, change.holder, at);
    this.transition(event.id, number, change.to, at, this.patchFor(event, change));
  }

  private patchFor(event: PoolEvent, change: NumberChange): Partial<TrackingNumberRow> {
    const holder = (h: Holder) => ({ visitor_id: h.visitorId, session_id: h.sessionId, listing_id: h.listingId });
    switch (change.to) {
      case 'available':
        if (event.type !== 'NumberProvisioned') return { pool: null };
        return {
          ...{ pool: null, visitor_id: null, session_id: null, listing_id: null, locked_until: null },
          ...{ provisioned_at: change.at, released_at: null, twilio_sid: event.data.sid },
        };
      case 'displayed':
        return { pool: 1, ...holder(change.holder!), locked_until: null };
      case 'locked':
        return { pool: 2, ...holder(change.holder!), locked_until: change.lockedUntil ?? null };
      case 'cooling':
        return { pool: null, locked_until: null };
      case 'listing':
        return {
          pool: null,
          visitor_id: null,
          session_id: null,
          listing_id: change.listingId ?? null,
          locked_until: null,
        };
      case 'released':
        return { pool: null, locked_until: null, released_at: change.at };
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
