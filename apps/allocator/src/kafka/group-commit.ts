import { CallpoolEvent } from '@callpool/contracts';
import { EncodedEvent, encodeForLog, TransactionalEventWriter, TransactionOffsets } from '@callpool/kafka';

export interface ShardTopics {
  allocations: string;
  webEvents: string;
  shard: number;
}

/** Events are a few hundred bytes each; this keeps one transaction's latency bounded. */
export const MAX_EVENTS_PER_TRANSACTION = 500;

/**
 * The broker refuses a record batch over its `message.max.bytes`, set to
 * 1 MiB explicitly (scripts/infra/kafka.sh, docker-compose.yml). A
 * transaction's events are bounded at half of it (record headers and keys
 * add a little), so even 500 events with 4 KiB contexts fit. Every input
 * field is bounded at the edge, so no single event comes near it.
 */
export const BROKER_MESSAGE_MAX_BYTES = 1_048_576;
export const MAX_TRANSACTION_BYTES = BROKER_MESSAGE_MAX_BYTES / 2;

/**
 * Batches waiting behind the one in flight before new requests are refused
 * (503 overloaded): a slow broker must cost quick refusals, not a queue that
 * grows until memory runs out.
 */
export const MAX_PENDING_BATCHES = 20;

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
 * A failed transaction ends this writer: the decisions it carried were
 * already applied to memory, so it refuses everything after it (those
 * requests answer 503) and reports the failure; the owner throws the state
 * away and rebuilds it from the log (which never saw those decisions) with a
 * new writer, in the same process. Rebuild over undo: undoing would need an
 * inverse for every rule, for a case that also means the broker or our epoch
 * is gone.
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

  backedUp(): boolean {
    return this.pending.length > MAX_PENDING_BATCHES;
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
            { topic: this.topics.allocations, messages: batch.allocations, partition: this.topics.shard },
            { topic: this.topics.webEvents, messages: batch.webEvents },
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
  readonly allocations: EncodedEvent[] = [];
  readonly webEvents: EncodedEvent[] = [];
  private bytes = 0;
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

  fits(events: number, bytes: number): boolean {
    return this.size() + events <= MAX_EVENTS_PER_TRANSACTION && this.bytes + bytes <= MAX_TRANSACTION_BYTES;
  }

  add(encoded: Array<{ event: CallpoolEvent; message: EncodedEvent }>, bytes: number): void {
    for (const { event, message } of encoded)
      (event.type === 'PageViewed' ? this.webEvents : this.allocations).push(message);
    this.bytes += bytes;
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
