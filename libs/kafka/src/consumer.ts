import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { DecodeResult, decodeEvent } from '@callpool/contracts';
import { lastStableOffsets } from './topics';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  decoded: DecodeResult;
}

export interface ConsumedBatch {
  topic: string;
  partition: number;
  messages: ConsumedMessage[];
}

export interface EventConsumerOptions {
  /**
   * Services that fold the log into memory use a fresh group per process and
   * never commit, so every start replays from the beginning.
   */
  groupId: string;
  topics: string[];
  fromBeginning?: boolean;
  /** Apply a whole fetched batch; throwing makes kafkajs re-deliver from the last resolved offset. */
  handle: (batch: ConsumedBatch, payload: EachBatchPayload) => Promise<void>;
  /** Commit offsets to the group after each batch (false where offsets live in Postgres). */
  commitToGroup?: boolean;
  /**
   * Batches of this many partitions handled at once (kafkajs'
   * partitionsConsumedConcurrently; default 1). Within a partition batches
   * stay in order; `handle` must then be safe to run for two partitions at once.
   */
  partitionsConsumedConcurrently?: number;
}

/**
 * An eachBatch consumer (eachMessage runs one message at a time) that decodes
 * every value through the contract's schemas and tracks when it has caught up
 * with everything committed before it started.
 */
export class EventConsumer {
  readonly consumer: Consumer;
  private readonly caughtUp: CatchUp;
  private stopped = false;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.consumer = kafka.consumer({
      groupId: options.groupId,
      readUncommitted: false,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
      retry: { initialRetryTime: 100, retries: 10, restartOnFailure: async () => !this.stopped },
    });
    // kafkajs restarts a crashed consumer on a timer; a stop() that lands while that restart is
    // connecting finds nothing to stop, and the restart joins its group afterwards. Leave again.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => {
      if (this.stopped) void this.consumer.disconnect().catch(() => undefined);
    });
    this.caughtUp = new CatchUp();
    this.consumer.on(this.consumer.events.END_BATCH_PROCESS, ({ payload }) =>
      this.caughtUp.consumed(payload.topic, payload.partition, BigInt(payload.lastOffset)),
    );
  }

  async start(): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      const targets = new Map<string, Map<number, bigint>>();
      for (const topic of this.options.topics) targets.set(topic, await lastStableOffsets(admin, topic));
      this.caughtUp.setTargets(targets);
    } finally {
      await admin.disconnect();
    }
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: this.options.commitToGroup ?? true,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const messages = batch.messages.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString() : null,
          decoded: decodeEvent(m.value),
        }));
        await this.options.handle({ topic: batch.topic, partition: batch.partition, messages }, payload);
      },
    });
  }

  /** Resolves once every message committed before start() has been handled. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUp.promise;
  }

  isCaughtUp(): boolean {
    return this.caughtUp.done;
  }

  stop(): Promise<void> {
    this.stopped = true;
    return this.consumer.disconnect();
  }
}

/**
 * A read-committed consumer never sees the transaction markers, so "my offset
 * equals the high watermark" never happens. kafkajs still reports each batch's
 * last offset including markers, which is what we compare with the last
 * stable offset taken at start.
 */
class CatchUp {
  private readonly remaining = new Map<string, bigint>();
  private resolve!: () => void;
  done = false;
  readonly promise = new Promise<void>((resolve) => (this.resolve = resolve));
  private targetsSet = false;

  setTargets(targets: Map<string, Map<number, bigint>>): void {
    for (const [topic, offsets] of targets)
      for (const [partition, offset] of offsets) if (offset > 0n) this.remaining.set(`${topic}/${partition}`, offset);
    this.targetsSet = true;
    this.check();
  }

  consumed(topic: string, partition: number, lastOffset: bigint): void {
    const key = `${topic}/${partition}`;
    const goal = this.remaining.get(key);
    if (goal !== undefined && lastOffset + 1n >= goal) this.remaining.delete(key);
    this.check();
  }

  private check(): void {
    if (!this.done && this.targetsSet && this.remaining.size === 0) {
      this.done = true;
      this.resolve();
    }
  }
}
