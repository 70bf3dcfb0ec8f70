import { CallpoolEvent } from '@callpool/contracts';
import { EncodedEvent, OutgoingMessages, TransactionOffsets } from '@callpool/kafka';
import type { ShardTopics } from './group-commit';

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

/** The decisions one transaction carries, and the one promise all their requests wait on. */
export class Batch {
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

  messages(topics: ShardTopics): OutgoingMessages[] {
    return [
      { topic: topics.allocations, messages: this.allocations, partition: topics.shard },
      { topic: topics.webEvents, messages: this.webEvents },
    ];
  }

  settle(error: Error | null): void {
    if (error) this.reject(error);
    else this.resolve();
  }
}
