import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Kafka } from 'kafkajs';
import { CallpoolEvent, EventData, EventType, newEvent, topicName } from '@callpool/contracts';
import { createKafka, ensureTopics, EventConsumer, TransactionalEventWriter } from '@callpool/kafka';
import { TEST_KAFKA_BROKERS } from '@callpool/testing';
import { CallIngestConfig, loadCallIngestConfig } from '../config';

export const AUTH_TOKEN = 'test-auth-token-0123456789abcdef';
/** Twilio signs the public URL; the service listens elsewhere, as behind a load balancer. */
export const PUBLIC_BASE_URL = 'https://calls.callpool.test';
export const MAIN_LINE = '+15555550100';

export function testConfig(prefix: string, dataDir: string, overrides: Record<string, string> = {}): CallIngestConfig {
  return loadCallIngestConfig({
    KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
    CALLPOOL_TOPIC_PREFIX: prefix,
    TWILIO_AUTH_TOKEN: AUTH_TOKEN,
    PUBLIC_BASE_URL,
    DIRECTORY_MAIN_LINE: MAIN_LINE,
    CALL_INGEST_DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ...overrides,
  });
}

export function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `call-ingest-${label}-`));
}

export const removeDir = (dir: string) => rm(dir, { recursive: true, force: true });

export function allocation<T extends EventType>(
  type: T,
  data: EventData<T>,
  occurredAt: Date = new Date(),
): CallpoolEvent {
  return newEvent(type, data, { occurredAt, metadata: { producer: 'test-allocator' } }) as CallpoolEvent;
}

/** Writes allocation events the way the allocator does: one transaction on its shard's partition. */
export async function commitAllocations(prefix: string, events: CallpoolEvent[]): Promise<void> {
  const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'test-allocator', topicPrefix: prefix });
  await ensureTopics(kafka, prefix);
  const writer = new TransactionalEventWriter(kafka, `${prefix}test-allocator`);
  await writer.connect();
  try {
    await writer.commit([{ topic: topicName('allocations', prefix), events, partition: 0 }]);
  } finally {
    await writer.disconnect();
  }
}

/** Everything on the prefix's `callpool.calls`, read-committed, as it arrives. */
export async function watchCalls(
  prefix: string,
  kafka: Kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'test-watch', topicPrefix: prefix }),
) {
  await ensureTopics(kafka, prefix);
  const events: CallpoolEvent[] = [];
  const consumer = new EventConsumer(kafka, {
    groupId: `${prefix}test-watch-${Date.now()}`,
    topics: [topicName('calls', prefix)],
    commitToGroup: false,
    handle: async ({ messages }) => {
      for (const message of messages) if (message.decoded.ok) events.push(message.decoded.event);
    },
  });
  await consumer.start();
  return {
    events,
    of: <T extends EventType>(type: T, callSid?: string) =>
      events.filter(
        (e): e is Extract<CallpoolEvent, { type: T }> =>
          e.type === type && (!callSid || (e.data as { callSid: string }).callSid === callSid),
      ),
    stop: () => consumer.stop(),
  };
}
