import { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { DecodeResult, decodeEvent } from '@callpool/contracts';
import { lastStableOffsets } from './topics';

export interface ConsumedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  /** The record's timestamp (ms since the epoch, as kafkajs gives it). */
  timestamp: string;
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
  /**
   * Most bytes one fetch brings per partition (kafkajs' default: 1 MiB, about
   * 1 400 events). A reader that writes a whole batch per transaction raises it
   * so a fetch can hold a batch; it only matters while catching up.
   */
  maxBytesPerPartition?: number;
  /**
   * Told when kafkajs gave up on its consumer and this one is being rebuilt
   * (for a log line; nothing to do: the rebuild resumes where handling left off).
   */
  onRebuild?: (error: Error, attempt: number) => void;
  /** Called for every kafkajs consumer built (the first and each rebuild), to listen to its instrumentation events. */
  instrument?: (consumer: Consumer) => void;
}

/** How long stop() waits for a join in flight to end before disconnecting anyway. */
const JOIN_WAIT_ON_STOP_MS = 15_000;

/** How long to wait before the n-th attempt to build a consumer again after kafkajs gave up. */
const rebuildDelayMs = (attempt: number) => Math.min(10_000, 250 * 2 ** Math.min(attempt - 1, 6));

/**
 * An eachBatch consumer (eachMessage runs one message at a time) that decodes
 * every value through the contract's schemas and tracks when it has caught up
 * with everything committed before it started.
 *
 * kafkajs gives up on a consumer for good after an error it deems
 * non-retriable: `KafkaJSGroupCoordinatorNotFound` while a fresh or restarted
 * broker is still loading its coordinators is the one seen in practice, and a
 * reader that stops silently is the worst failure a fold or a projection can
 * have. So this class owns recovery: it builds a new kafkajs consumer in the
 * same group and seeks every partition it has read to just after the last
 * message `handle` finished, skipping anything a rebuilt consumer re-delivers
 * below that. Owners see one uninterrupted stream, each message once.
 */
export class EventConsumer {
  private current: Consumer;
  private readonly caughtUp: CatchUp;
  /** `${topic}/${partition}` → the offset after the last message handled (or sought to). */
  private readonly positions = new Map<string, { topic: string; partition: number; next: bigint }>();
  private stopped = false;
  private rebuilding = false;
  /** Consumers kafkajs gave up on, with why (a rebuild's own consumer can give up while it joins). */
  private readonly givenUp = new WeakMap<Consumer, Error>();
  /** Set while the current consumer is joining its group (first start, or kafkajs restarting it). */
  private joining: { done: Promise<void>; settle: () => void } | null = null;
  private rebuilds = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly options: EventConsumerOptions,
  ) {
    this.caughtUp = new CatchUp();
    this.current = this.build();
  }

  /** How many times kafkajs gave up and a new consumer was built (tests). */
  get rebuildCount(): number {
    return this.rebuilds;
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
    await this.run(this.current);
  }

  /**
   * Moves a partition's position (after start()). A rebuilt consumer resumes from here too; messages a
   * fetch already in flight delivers from below it are skipped.
   */
  seek(topic: string, partition: number, offset: bigint): void {
    this.positions.set(`${topic}/${partition}`, { topic, partition, next: offset });
    this.current.seek({ topic, partition, offset: offset.toString() });
  }

  /** Resolves once every message committed before start() has been handled. */
  whenCaughtUp(): Promise<void> {
    return this.caughtUp.promise;
  }

  isCaughtUp(): boolean {
    return this.caughtUp.done;
  }

  /**
   * kafkajs' stop() while its runner is joining a group only marks the runner stopped; the join
   * completes, the runner starts fetching and heartbeating anyway, and nothing refers to it any
   * more. So a stop during a join waits for the join to end (bounded), then disconnects.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    const joining = this.joining?.done;
    if (joining) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([joining, new Promise((resolve) => (timer = setTimeout(resolve, JOIN_WAIT_ON_STOP_MS)))]);
      clearTimeout(timer);
      // GROUP_JOIN fires inside the join; the runner marks itself running a few ticks later.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await this.current.disconnect();
  }

  private startJoining(): void {
    if (this.joining) return;
    let settle!: () => void;
    const done = new Promise<void>((resolve) => (settle = resolve));
    this.joining = { done, settle };
  }

  private endJoining(): void {
    this.joining?.settle();
    this.joining = null;
  }

  private build(): Consumer {
    const consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      readUncommitted: false,
      sessionTimeout: 10000,
      heartbeatInterval: 1000,
      maxWaitTimeInMs: 100,
      ...(this.options.maxBytesPerPartition ? { maxBytesPerPartition: this.options.maxBytesPerPartition } : {}),
      retry: { initialRetryTime: 100, retries: 10, restartOnFailure: async () => !this.stopped },
    });
    // The join stop() may be waiting for has ended (see stop()).
    consumer.on(consumer.events.GROUP_JOIN, () => {
      if (consumer === this.current) this.endJoining();
      // A consumer replaced by a rebuild that joins after all: leave again.
      else void consumer.disconnect().catch(() => undefined);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      // With restart, kafkajs joins again after a pause: a stop() meanwhile waits for that join.
      if (consumer === this.current) {
        if (payload.restart) this.startJoining();
        else this.endJoining();
      }
      if (payload.restart || this.stopped || consumer !== this.current) return;
      this.givenUp.set(consumer, payload.error);
      void this.rebuild(payload.error);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (consumer === this.current)
        this.caughtUp.consumed(payload.topic, payload.partition, BigInt(payload.lastOffset));
    });
    this.options.instrument?.(consumer);
    return consumer;
  }

  private async run(consumer: Consumer): Promise<void> {
    await consumer.connect();
    await consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    // Stopped while connecting: stop() has disconnected, and a runner started now would never be stopped.
    if (this.stopped) return;
    this.startJoining();
    await consumer.run({
      autoCommit: this.options.commitToGroup ?? true,
      eachBatchAutoResolve: true,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        const key = `${batch.topic}/${batch.partition}`;
        // Only after a seek or a rebuild does a fetch hold messages already handled; offsets ascend.
        const from = this.positions.get(key)?.next;
        const first = batch.messages[0];
        const fresh =
          from === undefined || !first || BigInt(first.offset) >= from
            ? batch.messages
            : batch.messages.filter((m) => BigInt(m.offset) >= from);
        const messages = fresh.map((m) => ({
          topic: batch.topic,
          partition: batch.partition,
          offset: m.offset,
          key: m.key ? m.key.toString() : null,
          timestamp: m.timestamp,
          decoded: decodeEvent(m.value),
        }));
        if (messages.length > 0)
          await this.options.handle({ topic: batch.topic, partition: batch.partition, messages }, payload);
        // A handler that threw never gets here: its batch is re-delivered (or re-read after a rebuild).
        const last = messages[messages.length - 1];
        if (last && consumer === this.current && payload.isRunning() && !payload.isStale())
          this.positions.set(key, { topic: batch.topic, partition: batch.partition, next: BigInt(last.offset) + 1n });
      },
    });
    // Partitions read before a rebuild resume after their last handled message, not at the group's start.
    for (const { topic, partition, next } of this.positions.values())
      consumer.seek({ topic, partition, offset: next.toString() });
  }

  private async rebuild(error: Error): Promise<void> {
    if (this.rebuilding) return;
    this.rebuilding = true;
    try {
      for (let attempt = 1; !this.stopped; attempt++) {
        this.options.onRebuild?.(error, attempt);
        await this.current.disconnect().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, rebuildDelayMs(attempt)));
        if (this.stopped) return;
        this.current = this.build();
        this.rebuilds++;
        try {
          await this.run(this.current);
          if (this.stopped) await this.current.disconnect().catch(() => undefined);
          // kafkajs reports a failed join through CRASH while run() is still joining, not by throwing.
          const failedToJoin = this.givenUp.get(this.current);
          if (!failedToJoin) return;
          error = failedToJoin;
        } catch (failed) {
          error = failed as Error;
        }
      }
    } finally {
      this.rebuilding = false;
    }
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
