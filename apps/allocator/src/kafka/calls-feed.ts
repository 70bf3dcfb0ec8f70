import type { Kafka } from 'kafkajs';
import { Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { CallpoolEvent, EventData } from '@callpool/contracts';
import type { Counter } from 'prom-client';
import { EventConsumer, ConsumedBatch, ConsumedMessage } from '@callpool/kafka';
import { RecordCallCommand } from '../commands/commands';
import { PoolShard } from '../pool/pool-shard';

/**
 * callpool.calls → RecordCall (a call, or the caller menu's outcome), consume-transform-produce: the consumer
 * group's offsets are committed in the same transaction as the NumberLocked
 * events they caused, so across restarts each call is applied once. Within a
 * process, event ids already seen are skipped too (call-ingest may publish a
 * spooled event twice), and the rule itself is idempotent (a call that
 * extends nothing decides nothing). A malformed message cannot lock a
 * number: it is skipped with a warning naming its offset and counted in
 * `callpool_allocator_malformed_events_total` (the projector keeps it in
 * dead_letters).
 */
export class CallsFeed {
  private consumer: EventConsumer | null = null;
  private stopped = false;
  private readonly seen = new Set<string>();
  private readonly log = new Logger('calls-feed');
  readonly groupId: string;

  constructor(
    private readonly kafka: Kafka,
    private readonly topic: string,
    prefix: string,
    shard: number,
    private readonly shardState: PoolShard,
    private readonly commands: CommandBus,
    private readonly malformed: Counter<string>,
  ) {
    this.groupId = `${prefix}callpool-allocator-calls-shard-${shard}`;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.open();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.consumer?.stop();
    this.consumer = null;
  }

  private async open(): Promise<void> {
    const consumer: EventConsumer = new EventConsumer(this.kafka, {
      groupId: this.groupId,
      topics: [this.topic],
      fromBeginning: true,
      commitToGroup: false,
      handle: (batch) => this.apply(batch),
      // Should kafkajs give up (a restarted broker still loading its coordinators), the consumer is
      // rebuilt and resumes after the last batch applied, whose offsets went out with its locks.
      onRebuild: (error, attempt) =>
        this.log.warn(`reading ${this.topic} stopped (${error.message}); reading again, attempt ${attempt}`),
    });
    this.consumer = consumer;
    await consumer.start();
  }

  private async apply(batch: ConsumedBatch): Promise<void> {
    if (batch.messages.length === 0) return;
    const commits: Promise<unknown>[] = [];
    for (const message of batch.messages) {
      if (!message.decoded.ok) {
        this.skip(batch, message);
        continue;
      }
      const event = message.decoded.event;
      const call = callToLock(event);
      if (!call || this.seen.has(event.id)) continue;
      this.remember(event.id);
      commits.push(this.commands.execute(new RecordCallCommand(call, event.id)));
    }
    const last = batch.messages[batch.messages.length - 1].offset;
    // Same tick as the commands above, so in the same group-commit transaction.
    commits.push(
      this.shardState.commitOffsets({
        consumerGroupId: this.groupId,
        topics: [
          { topic: batch.topic, partitions: [{ partition: batch.partition, offset: String(BigInt(last) + 1n) }] },
        ],
      }),
    );
    await Promise.all(commits);
  }

  private skip(batch: ConsumedBatch, message: ConsumedMessage): void {
    const reason = message.decoded.ok ? '' : message.decoded.reason;
    this.log.warn(`skipped malformed message ${batch.topic}[${batch.partition}]@${message.offset}: ${reason}`);
    this.malformed.inc({ topic: batch.topic });
  }

  private remember(id: string): void {
    this.seen.add(id);
    if (this.seen.size > 100_000) this.seen.delete(this.seen.values().next().value as string);
  }
}

/**
 * The call a number is locked for: a CallReceived settled when it was answered,
 * or the caller menu's outcome (CallResolved). A call answered with the menu
 * locks nothing until the caller has said which listing they meant.
 */
function callToLock(event: CallpoolEvent): EventData<'CallReceived'> | null {
  if (event.type === 'CallReceived') return event.data.menu ? null : event.data;
  if (event.type !== 'CallResolved') return null;
  const { resolvedBy: _resolvedBy, digit: _digit, candidates: _candidates, caller, ...settled } = event.data;
  return { ...settled, caller: caller ?? '', holderState: 'unknown' };
}
