import { Kafka } from 'kafkajs';
import { CallpoolEvent, newEvent, topicName } from '@callpool/contracts';
import { TEST_KAFKA_BROKERS, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { createKafka } from './client';
import { EventConsumer } from './consumer';
import { EventPublisher } from './producers';
import { ensureTopics } from './topics';

/**
 * kafkajs gives up on a consumer for good after an error it deems
 * non-retriable (in practice `KafkaJSGroupCoordinatorNotFound` on a broker
 * still loading its coordinators). A handler error marked non-retriable takes
 * the same path in kafkajs, so it stands in for the broker here: the
 * EventConsumer must rebuild itself and hand on every message exactly once.
 */
const prefix = uniqueTopicPrefix('event_consumer');
let kafka: Kafka;
let publisher: EventPublisher;

const pageView = (n: number): CallpoolEvent =>
  newEvent(
    'PageViewed',
    { visitorId: `v-${n}`, sessionId: `s-${n}`, url: `/cars/${n}`, action: 'view' },
    { occurredAt: new Date('2026-01-01T00:00:00Z'), metadata: { producer: 'consumer-spec' } },
  );

beforeAll(async () => {
  kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'consumer-spec', topicPrefix: prefix });
  publisher = new EventPublisher(kafka);
  await publisher.connect();
});

afterAll(async () => {
  await publisher.disconnect();
});

it.each([
  ['offsets kept only in memory (a fold replaying from the beginning)', false],
  ['offsets committed to the group', true],
])('goes on after kafkajs gives up, each message once: %s', async (_label, commitToGroup) => {
  const own = `${prefix}${String(commitToGroup)}_`;
  await ensureTopics(kafka, own);
  const topic = topicName('webEvents', own);
  const first = [pageView(1), pageView(2)];
  const poison = pageView(3);
  const after = [pageView(4), pageView(5)];
  await publisher.publish({ topic, events: first });
  const handled: string[] = [];
  const rebuilds: string[] = [];
  let thrown = false;
  const consumer = new EventConsumer(kafka, {
    groupId: `${own}spec`,
    topics: [topic],
    commitToGroup,
    handle: async ({ messages }) => {
      const ids = messages.flatMap((m) => (m.decoded.ok ? [m.decoded.event.id] : []));
      if (!thrown && ids.includes(poison.id)) {
        thrown = true;
        throw Object.assign(new Error('kafkajs will not retry this'), { retriable: false });
      }
      handled.push(...ids);
    },
    onRebuild: (error) => rebuilds.push(error.message),
  });
  await consumer.start();
  try {
    await consumer.whenCaughtUp();
    await waitFor(() => handled.length >= 2, { what: 'the first two events' });
    await publisher.publish({ topic, events: [poison] });
    await waitFor(() => thrown, { what: 'the poisoned batch' });
    await publisher.publish({ topic, events: after });
    await waitFor(() => handled.length >= 5, { what: 'every event after the rebuild', timeoutMs: 30000 });
    // Nothing handled twice: the rebuilt consumer did not start over from the beginning.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(handled).toEqual([...first, poison, ...after].map((e) => e.id));
    expect(consumer.rebuildCount).toBe(1);
    expect(rebuilds[0]).toMatch(/will not retry/);
  } finally {
    await consumer.stop();
  }
});

it('stops for good when stopped in the middle of joining its group', async () => {
  const own = `${prefix}join_`;
  await ensureTopics(kafka, own);
  const topic = topicName('webEvents', own);
  await publisher.publish({ topic, events: [pageView(1)] });
  let stopping: Promise<void> | undefined;
  let stoppedAt = 0;
  const afterStop: string[] = [];
  const consumer: EventConsumer = new EventConsumer(kafka, {
    groupId: `${own}spec`,
    topics: [topic],
    handle: async () => undefined,
    instrument: (kafkajs) => {
      // The JoinGroup answer has arrived and SyncGroup is next: the join is in flight.
      kafkajs.on(kafkajs.events.REQUEST, ({ payload }) => {
        if (payload.apiName === 'JoinGroup' && !stopping)
          stopping = consumer.stop().then(() => void (stoppedAt = Date.now()));
      });
      kafkajs.on(kafkajs.events.FETCH, () => stoppedAt && afterStop.push('fetch'));
      kafkajs.on(kafkajs.events.HEARTBEAT, () => stoppedAt && afterStop.push('heartbeat'));
    },
  });
  await consumer.start();
  await waitFor(() => stoppedAt > 0, { what: 'stop() to finish' });
  // kafkajs' own stop during a join leaves its runner fetching (every 100 ms here) and heartbeating.
  await new Promise((resolve) => setTimeout(resolve, 2500));
  expect(afterStop).toEqual([]);
});
