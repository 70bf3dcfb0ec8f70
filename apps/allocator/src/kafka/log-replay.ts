import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { Logger } from '@nestjs/common';
import { EventConsumer, ConsumedBatch, lastStableOffsets } from '@callpool/kafka';
import { isPoolEvent } from '@callpool/pool-domain';
import { PoolShard } from '../pool/pool-shard';
import { ReplayProgress } from './replay-progress';

export interface ReplayTopics {
  prefix: string;
  allocations: string;
  webEvents: string;
  shard: number;
}

/**
 * Rebuilds the shard from the log, read-committed, in two steps: first
 * callpool.web-events (page views: session activity), then this shard's
 * partition of callpool.allocations. Page views first means a page view is
 * never folded after the SessionExpired that ended its session (which would
 * revive a dead session); endSession() handles the other order. The
 * web-events consumer keeps running afterwards, folding page views other
 * producers write; the allocations consumer stops, since once live this
 * process is the partition's only writer and folds its own decisions as it
 * makes them.
 */
export class LogReplay {
  private webFollower: EventConsumer | null = null;
  private allocations: EventConsumer | null = null;
  private readonly log = new Logger('log-replay');
  private progress: ReplayProgress | null = null;
  skipped = 0;

  constructor(
    private readonly kafka: Kafka,
    private readonly topics: ReplayTopics,
    private readonly shard: PoolShard,
    /** How often a progress line is logged while replaying; the replay itself has no deadline. */
    private readonly progressEveryMs = 5000,
  ) {}

  async rebuild(): Promise<void> {
    const started = Date.now();
    const progress = new ReplayProgress((line) => this.log.log(line), this.progressEveryMs);
    this.progress = progress;
    progress.start();
    try {
      await this.expectUpTo(progress);
      this.webFollower = this.consumer('web', this.topics.webEvents, (batch) => this.foldWebEvents(batch));
      await this.webFollower.start();
      await this.webFollower.whenCaughtUp();
      const allocations = this.consumer('allocations', this.topics.allocations, (batch) => this.foldAllocations(batch));
      this.allocations = allocations;
      try {
        await allocations.start();
        await allocations.whenCaughtUp();
      } finally {
        this.allocations = null;
        await allocations.stop();
      }
    } finally {
      progress.stop();
      this.progress = null;
    }
    const { numbers, sessions } = this.shard.state;
    this.log.log(
      `rebuilt shard ${this.topics.shard} in ${Date.now() - started} ms: ${numbers.size} numbers, ${sessions.size} live sessions, ${this.skipped} malformed events skipped`,
    );
  }

  async stop(): Promise<void> {
    await this.allocations?.stop();
    await this.webFollower?.stop();
    this.webFollower = null;
  }

  private consumer(label: string, topic: string, handle: (batch: ConsumedBatch) => void): EventConsumer {
    return new EventConsumer(this.kafka, {
      groupId: `${this.topics.prefix}callpool-allocator-${this.topics.shard}-${label}-${randomUUID()}`,
      topics: [topic],
      fromBeginning: true,
      commitToGroup: false,
      handle: async (batch) => handle(batch),
      // Start-up reads the whole log: fetches of 8 MiB instead of kafkajs' 1 MiB mean fewer round trips.
      maxBytesPerPartition: 8 * 1024 * 1024,
      // kafkajs gave up (a broker still loading its coordinators): rebuilt, it goes on after the last batch folded.
      onRebuild: (error, attempt) =>
        this.log.warn(`reading ${topic} stopped (${error.message}); reading again, attempt ${attempt}`),
    });
  }

  /** Where the replay ends (every web-events partition, this shard's allocations partition): the progress line's "of". */
  private async expectUpTo(progress: ReplayProgress): Promise<void> {
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      for (const [partition, end] of await lastStableOffsets(admin, this.topics.webEvents))
        progress.target(this.topics.webEvents, partition, end);
      const allocations = await lastStableOffsets(admin, this.topics.allocations);
      progress.target(this.topics.allocations, this.topics.shard, allocations.get(this.topics.shard) ?? 0n);
    } finally {
      await admin.disconnect();
    }
  }

  private counted(batch: ConsumedBatch): void {
    const last = batch.messages[batch.messages.length - 1];
    if (last) this.progress?.fold(batch.topic, batch.partition, batch.messages.length, BigInt(last.offset));
  }

  private foldAllocations(batch: ConsumedBatch): void {
    if (batch.partition !== this.topics.shard) return;
    this.counted(batch);
    for (const message of batch.messages) {
      if (!message.decoded.ok) {
        this.skip(message.decoded.reason, message.offset);
        continue;
      }
      const event = message.decoded.event;
      if (isPoolEvent(event)) this.shard.fold(event);
    }
  }

  private foldWebEvents(batch: ConsumedBatch): void {
    this.counted(batch);
    for (const message of batch.messages) {
      if (!message.decoded.ok) {
        this.skip(message.decoded.reason, message.offset);
        continue;
      }
      const event = message.decoded.event;
      if (event.type === 'PageViewed' && !this.shard.isOwnEcho(event.id)) this.shard.fold(event);
    }
  }

  private skip(reason: string, offset: string): void {
    this.skipped++;
    this.log.warn(`skipping malformed event at offset ${offset}: ${reason}`);
  }
}
