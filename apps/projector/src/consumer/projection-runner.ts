import { randomUUID } from 'node:crypto';
import { EachBatchPayload, Kafka } from 'kafkajs';
import { Pool, PoolClient } from 'pg';
import { ConsumedBatch, EventConsumer, fetchTopicOffsetsSettled } from '@callpool/kafka';
import { applyChunk, Chunk, ChunkOutcome, SchemaSwappedError } from '../projection/apply-batch';
import { Positions } from './positions';

export interface RunnerLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface RunnerOptions {
  kafka: Kafka;
  /** Connections whose search_path names the schema to write. */
  pool: Pool;
  topics: string[];
  /** Consumer group ids are this plus a fresh suffix per consumer: offsets live in Postgres, not in the group. */
  groupPrefix: string;
  batchSize: number;
  /** Partitions projected at once, each in its own transaction (the tables merge order-independently). */
  concurrency: number;
  retryMs: number;
  log: RunnerLog;
  onChunk?: (chunk: Chunk, outcome: ChunkOutcome, ms: number) => void;
  /** Tests inject failures here (inside the transaction, after the rows and offsets are written). */
  beforeCommit?: (chunk: Chunk, client: PoolClient) => Promise<void>;
}

/**
 * Drives an EventConsumer into Postgres. Postgres holds the truth about what was
 * projected, so every (re)start reads the stored offsets and seeks there, and
 * any failed batch (database down, schema swapped by a rebuild, offset
 * conflict) throws the consumer away and starts a new one from the stored
 * offsets, instead of trusting kafkajs' in-memory position.
 */
export class ProjectionRunner {
  readonly positions = new Positions();
  private consumer?: EventConsumer;
  private epoch = 0;
  private state: 'idle' | 'running' | 'restarting' | 'stopped' = 'idle';
  private generation = '';
  private restartTimer?: NodeJS.Timeout;
  private transition: Promise<void> = Promise.resolve();

  constructor(private readonly options: RunnerOptions) {}

  start(): Promise<void> {
    return this.serialise(() => this.open());
  }

  stop(): Promise<void> {
    this.state = 'stopped';
    clearTimeout(this.restartTimer);
    return this.serialise(() => this.closeConsumer());
  }

  get running(): boolean {
    return this.state === 'running';
  }

  private async open(): Promise<void> {
    if (this.state === 'stopped') return;
    const { generation, offsets } = await this.readStored();
    await this.assertWithinLog(offsets);
    this.generation = generation;
    this.positions.reset(offsets);
    const epoch = ++this.epoch;
    const consumer = new EventConsumer(this.options.kafka, {
      groupId: `${this.options.groupPrefix}.${randomUUID()}`,
      topics: this.options.topics,
      fromBeginning: true,
      commitToGroup: false,
      partitionsConsumedConcurrently: this.options.concurrency,
      maxBytesPerPartition: fetchBytesFor(this.options.batchSize),
      handle: (batch, payload) => this.handle(epoch, batch, payload),
      onRebuild: (error, attempt) =>
        this.options.log.warn(`kafkajs gave up reading (${error.message}); reading again, attempt ${attempt}`),
      instrument: (kafkajs) =>
        kafkajs.on(kafkajs.events.END_BATCH_PROCESS, ({ payload }) => {
          if (epoch === this.epoch && payload.batchSize === 0) this.positions.passedMarkers(payload);
        }),
    });
    this.consumer = consumer;
    this.state = 'running';
    await consumer.start();
    // Seeking after run(): a fetch from offset 0 already in flight is skipped below these offsets.
    for (const { topic, partition, offset } of offsets) consumer.seek(topic, partition, offset);
  }

  private async handle(epoch: number, batch: ConsumedBatch, payload: EachBatchPayload): Promise<void> {
    for (const chunk of chunksOf(batch, payload, this.options.batchSize)) {
      if (epoch !== this.epoch || this.state !== 'running' || !payload.isRunning() || payload.isStale()) return;
      const started = Date.now();
      const client = await this.options.pool.connect().catch((error: Error) => error);
      if (client instanceof Error) return this.fail(client);
      // A connection dying mid-batch is reported here as well as by the failing query; unheard, it would crash the process.
      const onLost = (error: Error) => this.options.log.warn(`Postgres connection lost: ${error.message}`);
      client.on('error', onLost);
      try {
        const outcome = await applyChunk(client, chunk, this.generation, this.options.beforeCommit);
        this.positions.committed(chunk.topic, chunk.partition, chunk.nextOffset);
        this.options.onChunk?.(chunk, outcome, Date.now() - started);
      } catch (error) {
        client.off('error', onLost);
        client.release(true);
        return this.fail(error as Error);
      }
      client.off('error', onLost);
      client.release();
      payload.resolveOffset(chunk.messages[chunk.messages.length - 1].offset);
      await payload.heartbeat();
    }
  }

  private fail(error: Error): void {
    if (this.state !== 'running') return;
    this.state = 'restarting';
    const swapped = error instanceof SchemaSwappedError;
    this.options.log.warn(`projection batch failed, restarting from stored offsets: ${error.message}`);
    this.restartTimer = setTimeout(() => void this.restart(), swapped ? 0 : this.options.retryMs);
  }

  private restart(): Promise<void> {
    return this.serialise(async () => {
      await this.closeConsumer();
      if (this.state === 'stopped') return;
      try {
        await this.open();
      } catch (error) {
        this.state = 'running';
        this.fail(error as Error);
      }
    });
  }

  private async closeConsumer(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    this.epoch++;
    await consumer?.stop().catch((error: Error) => this.options.log.warn(`consumer stop failed: ${error.message}`));
  }

  /**
   * Stored offsets past the end of the log mean these tables were projected
   * from another log (the broker's data was reset, or KAFKA_BROKERS points at
   * another cluster). Consuming would silently skip everything below them, so
   * refuse to start and say what to do instead.
   */
  private async assertWithinLog(offsets: Array<{ topic: string; partition: number; offset: bigint }>): Promise<void> {
    if (offsets.length === 0) return;
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      for (const topic of new Set(offsets.map((o) => o.topic))) {
        const ends = new Map((await fetchTopicOffsetsSettled(admin, topic)).map((o) => [o.partition, BigInt(o.high)]));
        for (const stored of offsets.filter((o) => o.topic === topic)) {
          const end = ends.get(stored.partition) ?? 0n;
          if (stored.offset > end)
            throw new ProjectionAheadOfLogError(
              `the projection has read ${topic}[${stored.partition}] up to offset ${stored.offset}, but the log ends at ${end}: ` +
                'it was projected from another log. Rebuild it from this one: npm run projector:rebuild',
            );
        }
      }
    } finally {
      await admin.disconnect();
    }
  }

  private async readStored() {
    const generation = await this.options.pool.query('SELECT generation FROM projector_generation');
    const offsets = await this.options.pool.query('SELECT topic, partition, next_offset FROM projector_offsets');
    return {
      generation: generation.rows[0].generation as string,
      offsets: offsets.rows
        .filter((row) => this.options.topics.includes(row.topic))
        .map((row) => ({
          topic: row.topic as string,
          partition: row.partition as number,
          offset: BigInt(row.next_offset),
        })),
    };
  }

  private serialise(step: () => Promise<void>): Promise<void> {
    const run = this.transition.then(step);
    this.transition = run.catch(() => undefined);
    return run;
  }
}

/**
 * A fetch big enough to fill a batch while catching up (events are ~0.7 KB on
 * average; 1.6 KB leaves room), so batches are as large as PROJECTOR_BATCH_SIZE
 * says instead of kafkajs' 1 MiB (~1 400 events). Live, fetches stay small.
 */
export function fetchBytesFor(batchSize: number): number {
  return Math.max(1024 * 1024, batchSize * 1600);
}

/** Splits a fetched batch into transactions of at most `size` messages; the last one also covers trailing markers. */
function chunksOf(batch: ConsumedBatch, payload: EachBatchPayload, size: number): Chunk[] {
  const chunks: Chunk[] = [];
  for (let start = 0; start < batch.messages.length; start += size) {
    const slice = batch.messages.slice(start, start + size);
    const last = start + size >= batch.messages.length;
    chunks.push({
      topic: batch.topic,
      partition: batch.partition,
      messages: slice.map((m) => ({
        offset: m.offset,
        decoded: m.decoded,
        timestamp: m.timestamp,
      })),
      nextOffset: (last ? BigInt(payload.batch.lastOffset()) : BigInt(slice[slice.length - 1].offset)) + 1n,
    });
  }
  return chunks;
}

export class ProjectionAheadOfLogError extends Error {}
