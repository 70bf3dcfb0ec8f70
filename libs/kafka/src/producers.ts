import { Kafka, Partitioners, Producer, RetryOptions, Transaction } from 'kafkajs';
import { CallpoolEvent, encodeEvent, eventKey } from '@callpool/contracts';

export interface OutgoingEvents {
  topic: string;
  events: CallpoolEvent[];
  /** Explicit partition: the allocator writes each shard to its own. */
  partition?: number;
}

/** An event as it goes on the wire, encoded once (a writer that bounds its batches by bytes needs the size first). */
export interface EncodedEvent {
  key: string;
  value: Buffer;
  headers: { 'event-type': string };
}

/** Events already encoded with `encodeForLog`. */
export interface OutgoingMessages {
  topic: string;
  messages: EncodedEvent[];
  partition?: number;
}

export function encodeForLog(event: CallpoolEvent): EncodedEvent {
  return { key: eventKey(event), value: encodeEvent(event), headers: { 'event-type': event.type } };
}

function toMessages(batch: OutgoingEvents | OutgoingMessages) {
  const encoded = 'messages' in batch ? batch.messages : batch.events.map(encodeForLog);
  return encoded.map((message) => ({ ...message, partition: batch.partition }));
}

function sizeOf(batch: OutgoingEvents | OutgoingMessages): number {
  return 'messages' in batch ? batch.messages.length : batch.events.length;
}

/** At-least-once publishing without duplicates from retries (idempotent producer). */
export class EventPublisher {
  private readonly producer: Producer;

  constructor(kafka: Kafka) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  async publish(batch: OutgoingEvents): Promise<void> {
    if (batch.events.length === 0) return;
    await this.producer.send({ topic: batch.topic, acks: -1, messages: toMessages(batch) });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/** A consumer group's next offsets, committed inside a transaction (kafkajs `sendOffsets`). */
export interface TransactionOffsets {
  consumerGroupId: string;
  topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
}

/** A transaction whose records are written: commit makes them visible, abort discards them. */
export interface OpenTransaction {
  commit(): Promise<void>;
  abort(): Promise<void>;
}

const NOTHING_OPEN: OpenTransaction = { commit: async () => undefined, abort: async () => undefined };

/**
 * Transactional writes: everything in one `commit` becomes visible to
 * read-committed consumers together or not at all. A second producer with the
 * same transactionalId fences this one; its next commit then throws, and the
 * owner must stop writing (the allocator exits).
 */
export class TransactionalEventWriter {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    readonly transactionalId: string,
    options: { retry?: RetryOptions } = {},
  ) {
    this.producer = kafka.producer({
      transactionalId,
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  /**
   * Registers the transactionalId with the coordinator now (kafkajs only does
   * it at the first transaction): this is the moment an older writer with the
   * same id is fenced and its open transaction aborted. Call it before reading
   * the log back, so nothing the old writer does can land after that read.
   */
  async claim(): Promise<void> {
    const transaction = await this.producer.transaction();
    await transaction.commit();
  }

  /**
   * One transaction. `offsets` (consume-transform-produce) commits a consumer
   * group's position in the same transaction, so the input is consumed
   * exactly when the output is written; it may come without events.
   */
  async commit(batches: Array<OutgoingEvents | OutgoingMessages>, offsets?: TransactionOffsets): Promise<void> {
    const open = await this.begin(batches, offsets);
    await open.commit();
  }

  /**
   * The first half of `commit`: the records are written (AddPartitionsToTxn,
   * Produce, offsets) but stay invisible to read-committed readers until the
   * returned transaction is committed. Lets a writer with two producers put
   * the next batch into the log while the previous one's EndTxn is on its way.
   * A failure here aborts the transaction itself.
   */
  async begin(
    batches: Array<OutgoingEvents | OutgoingMessages>,
    offsets?: TransactionOffsets,
  ): Promise<OpenTransaction> {
    const nonEmpty = batches.filter((b) => sizeOf(b) > 0);
    if (nonEmpty.length === 0 && !offsets) return NOTHING_OPEN;
    const transaction: Transaction = await this.producer.transaction();
    const abort = () => transaction.abort().catch(() => undefined);
    try {
      if (nonEmpty.length > 0)
        await transaction.sendBatch({
          acks: -1,
          topicMessages: nonEmpty.map((b) => ({ topic: b.topic, messages: toMessages(b) })),
        });
      if (offsets) await sendOffsetsRetrying(transaction, offsets);
    } catch (error) {
      await abort();
      throw error;
    }
    return {
      commit: async () => {
        try {
          await transaction.commit();
        } catch (error) {
          await abort();
          throw error;
        }
      },
      abort,
    };
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

/**
 * kafkajs sends AddOffsetsToTxn without its retrier (eosManager.sendOffsets),
 * unlike AddPartitionsToTxn. A transaction that begins with it (offsets and no
 * events, e.g. a consumed call that decided nothing) meets
 * CONCURRENT_TRANSACTIONS while the broker is still completing the previous
 * commit, and without a retry that failed the whole transaction.
 */
async function sendOffsetsRetrying(transaction: Transaction, offsets: TransactionOffsets): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await transaction.sendOffsets(offsets);
      return;
    } catch (error) {
      if (attempt >= 20 || (error as { type?: string }).type !== 'CONCURRENT_TRANSACTIONS') throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(100, 2 ** attempt)));
    }
  }
}

/** kafkajs reports fencing as one of these; the fenced writer must never write again. */
export function isFencedError(error: unknown): boolean {
  const text = `${(error as { type?: string })?.type ?? ''} ${(error as Error)?.message ?? ''}`;
  return /PRODUCER_FENCED|INVALID_PRODUCER_EPOCH|fenced|TRANSACTIONAL_ID_AUTHORIZATION/i.test(text);
}
