import { CallpoolEvent } from '@callpool/contracts';
import { encodeForLog, OpenTransaction, OutgoingMessages, TransactionOffsets } from '@callpool/kafka';
import { Batch } from './commit-batch';

export { BROKER_MESSAGE_MAX_BYTES, MAX_EVENTS_PER_TRANSACTION, MAX_TRANSACTION_BYTES } from './commit-batch';

export interface ShardTopics {
  allocations: string;
  webEvents: string;
  shard: number;
}

/** One transactional producer of the shard (TransactionalEventWriter): writes a batch, then commits it. */
export interface TransactionLane {
  begin(batches: OutgoingMessages[], offsets?: TransactionOffsets): Promise<OpenTransaction>;
}

export interface GroupCommitLimits {
  /**
   * Events waiting for a transaction (not yet in one) past which new writes
   * are refused (503 overloaded): a slow broker must cost quick refusals,
   * not a queue that grows until memory runs out. COMMIT_QUEUE_MAX.
   */
  maxWaitingEvents: number;
}

export const DEFAULT_LIMITS: GroupCommitLimits = { maxWaitingEvents: 10_000 };

/** What waiting requests get when their transaction failed: the answer was never durable. */
export class CommitRefusedError extends Error {
  constructor(override readonly cause: Error) {
    super(`the decision was not committed: ${cause.message}`);
  }
}

export interface CommitStats {
  transactions: number;
  events: number;
  lastBatchSize: number;
}

/**
 * Group commit over the shard's transactional producers ("lanes"). Everything
 * appended while transactions are on their way goes into the next one, so the
 * rate of Kafka transactions bounds latency, not throughput. Each append's
 * promise settles when the transaction holding it is committed; all appends
 * of one batch share a single promise (no allocation per request).
 *
 * Pipelining: with two lanes, batch k+1 is written (AddPartitionsToTxn +
 * Produce, on the other producer) while batch k's EndTxn is on its way and the
 * broker writes its markers; a producer's next transaction would otherwise
 * wait for both (and meet CONCURRENT_TRANSACTIONS). Order is kept: a batch is
 * written only after the previous one's records are in the log, and committed
 * only after the previous one committed, so what is committed is always a
 * prefix of the decisions, in the order they were made. If batch k fails,
 * batch k+1 is aborted, never committed.
 *
 * A failed transaction ends this writer: the decisions it carried were
 * already applied to memory, so it refuses everything after it (those
 * requests answer 503) and reports the failure; the owner throws the state
 * away and rebuilds it from the log (which never saw those decisions) with
 * new producers, in the same process. Rebuild over undo: undoing would need
 * an inverse for every rule, for a case that also means the broker or our
 * epoch is gone.
 */
export class GroupCommitWriter {
  /** Decisions waiting for a transaction, oldest first (a batch closes at the count and byte bounds). */
  private readonly pending: Batch[] = [new Batch()];
  private readonly inFlight = new Set<Batch>();
  private waitingEvents = 0;
  private flushing = false;
  private failure: Error | null = null;
  /** Settles (never rejects) when the newest written transaction has committed or was given up. */
  private lastCommit: Promise<void> = Promise.resolve();
  private readonly laneFree: Promise<void>[];
  private nextLane = 0;
  readonly stats: CommitStats = { transactions: 0, events: 0, lastBatchSize: 0 };

  constructor(
    private readonly lanes: TransactionLane[],
    private readonly topics: ShardTopics,
    private readonly onFailure: (error: Error) => void,
    private readonly observe?: (events: number, seconds: number) => void,
    private readonly limits: GroupCommitLimits = DEFAULT_LIMITS,
  ) {
    if (lanes.length === 0) throw new Error('GroupCommitWriter needs at least one transactional producer');
    this.laneFree = lanes.map(() => Promise.resolve());
  }

  get failed(): Error | null {
    return this.failure;
  }

  /** Events decided but not yet in a transaction (the queue COMMIT_QUEUE_MAX bounds). */
  get waiting(): number {
    return this.waitingEvents;
  }

  backedUp(): boolean {
    return this.waitingEvents >= this.limits.maxWaitingEvents;
  }

  append(events: CallpoolEvent[], offsets?: TransactionOffsets): Promise<void> {
    if (this.failure) return Promise.reject(new CommitRefusedError(this.failure));
    const encoded = events.map((event) => ({ event, message: encodeForLog(event) }));
    const bytes = encoded.reduce((sum, { message }) => sum + message.value.length + message.key.length, 0);
    let batch = this.pending[this.pending.length - 1];
    if (!batch.isEmpty() && !batch.fits(events.length, bytes)) {
      batch = new Batch();
      this.pending.push(batch);
    }
    batch.add(encoded, bytes);
    this.waitingEvents += events.length;
    if (offsets) batch.addOffsets(offsets);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
    return batch.done;
  }

  private async flush(): Promise<void> {
    while (!this.failure && !this.pending[0].isEmpty()) {
      const lane = this.nextLane;
      this.nextLane = (lane + 1) % this.lanes.length;
      // The lane's previous transaction must be over; meanwhile the next batch keeps growing.
      await this.laneFree[lane];
      if (this.failure) break;
      const batch = this.pending.shift() as Batch;
      if (this.pending.length === 0) this.pending.push(new Batch());
      this.waitingEvents -= batch.size();
      this.inFlight.add(batch);
      const t0 = performance.now();
      let open: OpenTransaction;
      try {
        open = await this.lanes[lane].begin(batch.messages(this.topics), batch.offsets());
      } catch (error) {
        this.fail(error as Error);
        break;
      }
      const committed = this.commitAfterPrevious(batch, open, t0);
      this.lastCommit = committed;
      this.laneFree[lane] = committed;
    }
    this.flushing = false;
  }

  private async commitAfterPrevious(batch: Batch, open: OpenTransaction, t0: number): Promise<void> {
    await this.lastCommit;
    if (this.failure) {
      await open.abort();
      return;
    }
    try {
      await open.commit();
    } catch (error) {
      this.fail(error as Error);
      return;
    }
    this.inFlight.delete(batch);
    this.stats.transactions++;
    this.stats.lastBatchSize = batch.size();
    this.stats.events += this.stats.lastBatchSize;
    this.observe?.(this.stats.lastBatchSize, (performance.now() - t0) / 1000);
    batch.settle(null);
  }

  private fail(error: Error): void {
    if (this.failure) return;
    this.failure = error;
    const refused = new CommitRefusedError(error);
    for (const batch of [...this.inFlight, ...this.pending]) batch.settle(refused);
    this.inFlight.clear();
    this.onFailure(error);
  }
}
