import { CallpoolEvent } from '@callpool/contracts';
import { TransactionalEventWriter, TransactionOffsets } from '@callpool/kafka';

export interface ShardTopics {
  allocations: string;
  webEvents: string;
  shard: number;
}

/** Well under the broker's 1 MB message.max.bytes: events are a few hundred bytes each. */
export const MAX_EVENTS_PER_TRANSACTION = 500;

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
 * Group commit over one transactional producer. Everything appended while a
 * transaction is on its way goes into the next one, so the rate of Kafka
 * transactions (~100/s here) bounds latency, not throughput. Each append's
 * promise settles when the transaction holding it is committed; all appends
 * of one batch share a single promise (no allocation per request).
 *
 * A failed transaction is fatal: the decisions it carried were already
 * applied to memory, so the writer refuses everything after it and reports
 * the failure; the owner exits and a restart rebuilds from the log (which
 * never saw those decisions). Crash-and-rebuild over undo: undoing would need
 * an inverse for every rule, for a case that also means the broker or our
 * epoch is gone.
 */
export class GroupCommitWriter {
  /**
   * Decisions waiting for a transaction, oldest first. A batch is closed at
   * MAX_EVENTS_PER_TRANSACTION so one big burst (a clock move expiring
   * thousands of sessions, a restart after downtime at peak) becomes several
   * transactions instead of one request over the broker's message.max.bytes.
   */
  private readonly pending: Batch[] = [new Batch()];
  private flushing = false;
  private failure: Error | null = null;
  readonly stats: CommitStats = { transactions: 0, events: 0, lastBatchSize: 0 };

  constructor(
    private readonly writer: TransactionalEventWriter,
    private readonly topics: ShardTopics,
    private readonly onFailure: (error: Error) => void,
    private readonly observe?: (events: number, seconds: number) => void,
  ) {}

  get failed(): Error | null {
    return this.failure;
  }

  append(events: CallpoolEvent[], offsets?: TransactionOffsets): Promise<void> {
    if (this.failure) return Promise.reject(new CommitRefusedError(this.failure));
    let batch = this.pending[this.pending.length - 1];
    if (batch.size() >= MAX_EVENTS_PER_TRANSACTION) {
      batch = new Batch();
      this.pending.push(batch);
    }
    for (const event of events) (event.type === 'PageViewed' ? batch.webEvents : batch.allocations).push(event);
    if (offsets) batch.addOffsets(offsets);
    if (!this.flushing) {
      this.flushing = true;
      setImmediate(() => void this.flush());
    }
    return batch.done;
  }

  private async flush(): Promise<void> {
    while (!this.pending[0].isEmpty()) {
      const batch = this.pending.shift() as Batch;
      if (this.pending.length === 0) this.pending.push(new Batch());
      const t0 = performance.now();
      try {
        await this.writer.commit(
          [
            { topic: this.topics.allocations, events: batch.allocations, partition: this.topics.shard },
            { topic: this.topics.webEvents, events: batch.webEvents },
          ],
          batch.offsets(),
        );
      } catch (error) {
        this.fail(error as Error, batch);
        return;
      }
      this.stats.transactions++;
      this.stats.lastBatchSize = batch.allocations.length + batch.webEvents.length;
      this.stats.events += this.stats.lastBatchSize;
      this.observe?.(this.stats.lastBatchSize, (performance.now() - t0) / 1000);
      batch.settle(null);
    }
    this.flushing = false;
  }

  private fail(error: Error, batch: Batch): void {
    this.failure = error;
    const refused = new CommitRefusedError(error);
    batch.settle(refused);
    for (const waiting of this.pending) waiting.settle(refused);
    this.onFailure(error);
  }
}

class Batch {
  readonly allocations: CallpoolEvent[] = [];
  readonly webEvents: CallpoolEvent[] = [];
  private readonly positions = new Map<string, { groupId: string; topic: string; partition: number; offset: bigint }>();
  private resolve!: () => void;
  private reject!: (error: Error) => void;
  readonly done: Promise<void>;

  constructor() {
    const done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // A batch nobody appended to can be rejected without an unhandled rejection.
    done.catch(() => undefined);
    this.done = done;
  }

  size(): number {
    return this.allocations.length + this.webEvents.length;
  }

  isEmpty(): boolean {
    return this.allocations.length === 0 && this.webEvents.length === 0 && this.positions.size === 0;
  }

  addOffsets(offsets: TransactionOffsets): void {
    for (const { topic, partitions } of offsets.topics)
      for (const { partition, offset } of partitions) {
        const key = `${offsets.consumerGroupId}\u0000${topic}\u0000${partition}`;
        const next = BigInt(offset);
        const known = this.positions.get(key);
        if (!known || known.offset < next)
          this.positions.set(key, { groupId: offsets.consumerGroupId, topic, partition, offset: next });
      }
  }

  /** Transactions carry one consumer group's offsets (the allocator's calls consumer). */
  offsets(): TransactionOffsets | undefined {
    if (this.positions.size === 0) return undefined;
    const positions = [...this.positions.values()];
    const topics = new Map<string, Array<{ partition: number; offset: string }>>();
    for (const p of positions)
      topics.set(p.topic, [...(topics.get(p.topic) ?? []), { partition: p.partition, offset: String(p.offset) }]);
    return {
      consumerGroupId: positions[0].groupId,
      topics: [...topics].map(([topic, partitions]) => ({ topic, partitions })),
    };
  }

  settle(error: Error | null): void {
    if (error) this.reject(error);
    else this.resolve();
  }
}
