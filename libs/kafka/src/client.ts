import { Kafka, logLevel, LogEntry } from 'kafkajs';

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  /** Prepended to every topic name (CALLPOOL_TOPIC_PREFIX). */
  topicPrefix: string;
}

/**
 * One kafkajs client per service. Retries start at 15 ms rather than kafkajs'
 * 300 ms: back-to-back transactions meet CONCURRENT_TRANSACTIONS from the
 * broker (kafkajs#1315) and the default turns each into a 300 ms stall.
 */
export function createKafka(settings: KafkaSettings, log?: (entry: LogEntry) => void): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3000,
    requestTimeout: 30000,
    retry: { initialRetryTime: 15, maxRetryTime: 2000, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator: () => (entry) => (log ? log(entry) : defaultLog(entry)),
  });
}

/**
 * Retried protocol errors that are expected in normal operation: kafkajs logs
 * each at ERROR, which would bury the real ones.
 */
const EXPECTED = /concurrent operation on the same transaction|Limiting retries for the idempotent producer/;

function defaultLog({ namespace, level, log }: LogEntry): void {
  const { message, ...extra } = log;
  if (EXPECTED.test(`${message} ${String(extra.error ?? '')}`)) return;
  const line = JSON.stringify({ kafka: namespace, level: logLevel[level], message, ...pickSafe(extra) });
  process.stderr.write(`${line}\n`);
}

/** kafkajs log extras can carry whole messages; keep only the diagnostic fields. */
function pickSafe(extra: Record<string, unknown>): Record<string, unknown> {
  const keep = ['broker', 'clientId', 'error', 'groupId', 'topic', 'partition', 'retryCount', 'retryTime'];
  return Object.fromEntries(Object.entries(extra).filter(([key]) => keep.includes(key)));
}
