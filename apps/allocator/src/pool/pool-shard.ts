import { CallpoolEvent } from '@callpool/contracts';
import type { TransactionOffsets } from '@callpool/kafka';
import { createPoolState, decide, evolve, PoolCommand, PoolEvent, PoolPolicy, PoolState } from '@callpool/pool-domain';
import { Causation, envelope } from '../kafka/envelopes';
import { GroupCommitWriter } from '../kafka/group-commit';

const NOT_READY = {
  rebuilding: 'the allocator is rebuilding its state from the log',
  failed: 'a write to the log failed; the allocator is rebuilding its state from the log',
  overloaded: 'too many decisions are waiting for the log; try again shortly',
  timeout: 'the log did not confirm the decision in time; try again (a retry of a display gets the same number)',
};

export class NotReadyError extends Error {
  constructor(readonly reason: keyof typeof NOT_READY) {
    super(NOT_READY[reason]);
  }
}

/**
 * A request's wait for its transaction, bounded (COMMIT_TIMEOUT_MS): a broker
 * that stalls costs the visitor a quick 503, not a hanging page. The decision
 * stays in memory and may still commit; a retried display of the same
 * (session, listing) is then answered with the same number.
 */
export function withinCommitTimeout(committed: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new NotReadyError('timeout')), ms);
  });
  return Promise.race([committed, late]).finally(() => clearTimeout(timer));
}

/**
 * One shard's pool in memory and the way every decision is made: decide on
 * the current state, fold the result into it at once (so the very next
 * request sees it), then wait for the group commit. Node runs this part on
 * one thread, which is what makes a number go to exactly one holder.
 */
export class PoolShard {
  private current: PoolState;
  private ready = false;
  private writer: GroupCommitWriter | null = null;
  private readonly ownPageViews = new Set<string>();

  constructor(readonly policy: PoolPolicy) {
    this.current = createPoolState(policy);
  }

  get state(): PoolState {
    return this.current;
  }

  /**
   * After a failed transaction: forget everything, answer 503 until the state
   * is rebuilt from the log (which never saw the decisions of that transaction).
   */
  reset(): void {
    this.ready = false;
    this.writer = null;
    this.current = createPoolState(this.policy);
    this.ownPageViews.clear();
  }

  /** Replay: events already in the log. */
  fold(event: PoolEvent): void {
    evolve(this.state, event);
  }

  goLive(writer: GroupCommitWriter): void {
    this.writer = writer;
    this.ready = true;
  }

  /** Too many decisions wait for the log: refuse new requests rather than queue without bound. */
  backedUp(): boolean {
    return this.writer?.backedUp() ?? false;
  }

  /** Events decided but not yet in a transaction. */
  waitingEvents(): number {
    return this.writer?.waiting ?? 0;
  }

  isReady(): boolean {
    return this.ready && this.writer !== null && this.writer.failed === null;
  }

  status(): 'rebuilding' | 'ready' | 'failed' {
    if (this.writer?.failed) return 'failed';
    return this.ready ? 'ready' : 'rebuilding';
  }

  /** Decides and applies now; the returned promise settles when the events are committed. */
  execute(
    command: PoolCommand,
    now: number,
    causation?: Causation,
    offsets?: TransactionOffsets,
  ): { events: PoolEvent[]; committed: Promise<void> } {
    const writer = this.liveWriter();
    const events = decide(command, this.state, now, this.policy);
    for (const event of events) evolve(this.state, event);
    if (events.length === 0 && !offsets) return { events, committed: Promise.resolve() };
    const envelopes: CallpoolEvent[] = events.map((event) => envelope(event, causation));
    for (const e of envelopes) if (e.type === 'PageViewed') this.rememberOwn(e.id);
    return { events, committed: writer.append(envelopes, offsets) };
  }

  /**
   * Activity on a session whose idle time is already up, before the expiry
   * pass got to it (the wall clock's pass runs every EXPIRY_INTERVAL_MS; a
   * clock move commits its expiries a moment after it moved): commit the due
   * expiries first, as the pass would, so the activity starts a new session
   * instead of reviving the one that ended. Same group commit, earlier in it.
   */
  expireSessionIfDue(sessionId: string, now: number): void {
    for (;;) {
      const session = this.state.sessions.get(sessionId);
      if (!session || now < session.expiresAt) return;
      if (this.execute({ type: 'ExpireDue' }, now).events.length === 0) return;
    }
  }

  /**
   * Page views this process wrote come back through its web-events consumer;
   * they are already folded. (Page views of other producers are folded when
   * they arrive.)
   */
  isOwnEcho(eventId: string): boolean {
    return this.ownPageViews.delete(eventId);
  }

  private rememberOwn(id: string): void {
    this.ownPageViews.add(id);
    if (this.ownPageViews.size > 200_000) this.ownPageViews.delete(this.ownPageViews.values().next().value as string);
  }

  /** Writes events the pool does not fold (dealer settings) through the same transactional writer. */
  publish(events: CallpoolEvent[]): Promise<void> {
    return this.liveWriter().append(events);
  }

  /** Commits consumer offsets alone (a batch of calls that locked nothing). */
  commitOffsets(offsets: TransactionOffsets): Promise<void> {
    return this.liveWriter().append([], offsets);
  }

  private liveWriter(): GroupCommitWriter {
    if (!this.writer || !this.ready) throw new NotReadyError('rebuilding');
    if (this.writer.failed) throw new NotReadyError('failed');
    return this.writer;
  }
}
