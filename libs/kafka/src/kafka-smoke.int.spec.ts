import { ConfigResourceTypes, Kafka } from 'kafkajs';
import { CallpoolEvent, encodeEvent, newEvent, topicName } from '@callpool/contracts';
import { TEST_KAFKA_BROKERS, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { createKafka } from './client';
import { EventConsumer } from './consumer';
import { EventPublisher, isFencedError, TransactionalEventWriter } from './producers';
import { ensureTopics } from './topics';

/**
 * Proves kafkajs 2.2.4 against the broker we run (Kafka 4.1 from Maven
 * Central): topic creation with infinite retention, idempotent produce, a
 * consumer group reading in batches, transactions (commit visible, abort
 * invisible to read-committed readers), fencing, and catch-up detection.
 */
const prefix = uniqueTopicPrefix('kafka_smoke');
const allocations = topicName('allocations', prefix);
let kafka: Kafka;

const pageView = (n: number): CallpoolEvent =>
  newEvent(
    'PageViewed',
    { visitorId: `v-${n}`, sessionId: `s-${n}`, url: `/cars/${n}`, action: 'view' },
    { occurredAt: new Date('2026-01-01T00:00:00Z'), metadata: { producer: 'smoke' } },
  );

async function readAll(groupId: string, topic: string, count: number): Promise<string[]> {
  const seen: string[] = [];
  const consumer = new EventConsumer(kafka, {
    groupId,
    topics: [topic],
    handle: async (batch) => {
      for (const m of batch.messages) if (m.decoded.ok) seen.push(m.decoded.event.id);
    },
  });
  await consumer.start();
  try {
    await consumer.whenCaughtUp();
    await waitFor(() => seen.length >= count, { what: `${count} events on ${topic}` });
    return seen;
  } finally {
    await consumer.stop();
  }
}

beforeAll(async () => {
  kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'smoke', topicPrefix: prefix });
  await ensureTopics(kafka, prefix);
});

it('creates the topics with infinite retention, idempotently', async () => {
  await ensureTopics(kafka, prefix);
  const admin = kafka.admin();
  await admin.connect();
  const described = await admin.describeConfigs({
    includeSynonyms: false,
    resources: [{ type: ConfigResourceTypes.TOPIC, name: allocations, configNames: ['retention.ms'] }],
  });
  await admin.disconnect();
  expect(described.resources[0].configEntries[0].configValue).toBe('-1');
});

it('publishes and reads back in order through a consumer group', async () => {
  const publisher = new EventPublisher(kafka);
  await publisher.connect();
  const events = Array.from({ length: 50 }, (_, n) => pageView(n));
  await publisher.publish({ topic: topicName('webEvents', prefix), events });
  await publisher.disconnect();
  const seen = await readAll(`${prefix}smoke-group`, topicName('webEvents', prefix), 50);
  expect(seen).toEqual(events.map((e) => e.id));
});

it('shows committed transactions and hides aborted ones from read-committed consumers', async () => {
  const writer = new TransactionalEventWriter(kafka, `${prefix}smoke-tx`);
  await writer.connect();
  await writer.claim();
  const committed = [pageView(1), pageView(2)];
  await writer.commit([{ topic: allocations, events: committed, partition: 0 }]);
  // A raw kafkajs transaction that sends, then aborts: read-committed readers never see it.
  const raw = kafka.producer({ transactionalId: `${prefix}smoke-raw`, idempotent: true, maxInFlightRequests: 1 });
  await raw.connect();
  const aborted = await raw.transaction();
  await aborted.send({ topic: allocations, messages: [{ key: 'x', value: encodeEvent(pageView(4)), partition: 0 }] });
  await aborted.abort();
  await raw.disconnect();
  const last = pageView(5);
  await writer.commit([{ topic: allocations, events: [last], partition: 0 }]);
  await writer.disconnect();
  const seen = await readAll(`${prefix}smoke-tx-reader`, allocations, 3);
  expect(seen).toEqual([...committed, last].map((e) => e.id));
});

it('fences the first writer when a second takes the same transactional id', async () => {
  const first = new TransactionalEventWriter(kafka, `${prefix}smoke-fence`);
  await first.connect();
  await first.claim();
  await first.commit([{ topic: allocations, events: [pageView(10)] }]);
  const second = new TransactionalEventWriter(kafka, `${prefix}smoke-fence`);
  await second.connect();
  await second.claim();
  const failure = await first.commit([{ topic: allocations, events: [pageView(11)] }]).catch((e) => e);
  expect(isFencedError(failure)).toBe(true);
  await second.commit([{ topic: allocations, events: [pageView(12)] }]);
  await Promise.all([first.disconnect().catch(() => undefined), second.disconnect()]);
});

it('creates topics with KAFKA_REPLICATION_FACTOR replicas: more than the brokers there are is refused', async () => {
  const own = uniqueTopicPrefix('kafka_rf');
  await expect(ensureTopics(kafka, own, 1, 2)).rejects.toThrow(/replication/i);
  await ensureTopics(kafka, own, 1, 1);
  const admin = kafka.admin();
  await admin.connect();
  try {
    const { topics } = await admin.fetchTopicMetadata({ topics: [topicName('calls', own)] });
    expect(topics[0].partitions[0].replicas).toHaveLength(1);
  } finally {
    await admin.disconnect();
  }
});
