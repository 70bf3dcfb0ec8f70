import { Kafka } from 'kafkajs';
import { Client } from 'pg';
import { CallpoolEvent, topicName } from '@callpool/contracts';
import { createKafka, ensureTopics, EventPublisher } from '@callpool/kafka';
import { TEST_KAFKA_BROKERS, waitFor } from '@callpool/testing';
import { loadProjectorConfig, ProjectorConfig } from '../src/config';
import { RunningProjector } from '../src/projector';
import { History } from './hand-made-history';

export function projectorConfig(
  prefix: string,
  databaseUrl: string,
  extra: Record<string, string> = {},
): ProjectorConfig {
  return loadProjectorConfig({
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    CALLPOOL_TOPIC_PREFIX: prefix,
    DATABASE_URL: databaseUrl,
    PROJECTOR_PORT: '0',
    LOG_LEVEL: 'warn',
    PROJECTOR_RETRY_MS: '100',
    ...extra,
  });
}

/** Publishes onto the suite's own prefixed topics, as the allocator, call-ingest and the web tier would. */
export class TestPublisher {
  readonly kafka: Kafka;
  private readonly publisher: EventPublisher;

  constructor(private readonly prefix: string) {
    this.kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'projector-test', topicPrefix: prefix });
    this.publisher = new EventPublisher(this.kafka);
  }

  async connect(): Promise<void> {
    await ensureTopics(this.kafka, this.prefix);
    await this.publisher.connect();
  }

  async history(history: History): Promise<void> {
    await this.events('allocations', history.allocations);
    await this.events('calls', history.calls);
    await this.events('webEvents', history.webEvents);
  }

  events(topic: 'allocations' | 'calls' | 'webEvents', events: CallpoolEvent[]): Promise<void> {
    return this.publisher.publish({ topic: topicName(topic, this.prefix), events, partition: 0 });
  }

  /** Values written straight to the topic, bypassing the contracts' encoder; several go in one send. */
  async raw(topic: 'allocations' | 'calls' | 'webEvents', value: string | string[]): Promise<void> {
    const producer = this.kafka.producer();
    await producer.connect();
    const messages = [value].flat().map((v) => ({ key: 'junk', value: v, partition: 0 }));
    await producer.send({ topic: topicName(topic, this.prefix), messages });
    await producer.disconnect();
  }

  disconnect(): Promise<void> {
    return this.publisher.disconnect();
  }
}

export function caughtUp(running: RunningProjector, timeoutMs = 20000): Promise<true> {
  return waitFor(async () => (await running.projector.caughtUp()) || undefined, {
    timeoutMs,
    what: 'projector caught up',
  });
}

/** Every relation analysts read, plus the bookkeeping that must also match, as sorted JSON rows. */
export const SNAPSHOT_RELATIONS = [
  'tracking_numbers',
  'number_assignments',
  'number_state_intervals',
  'displays',
  'sessions',
  'session_listings',
  'page_views',
  'call_records',
  'listings',
  'processed_events',
  'dead_letters',
  'projector_offsets',
  'visitor_sessions',
  'calls',
  'listing_performance',
  'pool_health',
  'listing_visitors',
  'listing_totals',
  'listing_daily',
  'pool_windows',
  'dealer_daily',
];

export async function snapshot(
  databaseUrl: string,
  relations = SNAPSHOT_RELATIONS,
): Promise<Record<string, unknown[]>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const result: Record<string, unknown[]> = {};
    for (const relation of relations) {
      const rows = await client.query(`SELECT * FROM callpool.${relation}`);
      result[relation] = rows.rows.map((row) => JSON.stringify(row)).sort();
    }
    return result;
  } finally {
    await client.end();
  }
}

export async function query<T = Record<string, unknown>>(
  databaseUrl: string,
  sql: string,
  params: unknown[] = [],
): Promise<T[]> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
