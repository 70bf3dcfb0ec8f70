import { Admin, Kafka } from 'kafkajs';
import { allTopicNames } from '@callpool/contracts';

/**
 * The topics are the source of truth, so they keep every event forever
 * (retention.ms=-1). Creating them is idempotent: every service calls this at
 * start, whichever comes up first. `replicationFactor` is KAFKA_REPLICATION_FACTOR
 * (1 for a single broker; 3 on a production cluster); topics that exist keep theirs.
 */
export async function ensureTopics(kafka: Kafka, prefix: string, partitions = 1, replicationFactor = 1): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = allTopicNames(prefix).filter((topic) => !existing.has(topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({
        topic,
        numPartitions: partitions,
        replicationFactor,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
        ],
      })),
    });
  } catch (error) {
    // Two services racing to create the same topic: the loser sees TOPIC_ALREADY_EXISTS.
    const causes: Array<{ type?: string; message?: string }> = (error as { errors?: [] }).errors ?? [error as Error];
    if (causes.every((cause) => cause.type === 'TOPIC_ALREADY_EXISTS' || /already exists/.test(cause.message ?? '')))
      return;
    const why = causes.map((cause) => cause.type ?? cause.message).join(', ');
    throw new Error(`cannot create the topics (replication factor ${replicationFactor}): ${why}`);
  } finally {
    await admin.disconnect();
  }
}

/**
 * The last stable offset of each partition: what a read-committed consumer has
 * to reach to have seen everything committed so far.
 */
export async function lastStableOffsets(admin: Admin, topic: string): Promise<Map<number, bigint>> {
  const offsets = await fetchTopicOffsetsSettled(admin, topic);
  return new Map(offsets.map((o) => [o.partition, BigInt(o.high)]));
}

/**
 * Errors a broker gives while a topic it has just created (or just started
 * with) is still electing its leader. kafkajs' admin does not retry
 * ListOffsets on them: a service starting beside a fresh broker would give up.
 */
const LEADER_SETTLING = new Set([
  'NOT_LEADER_FOR_PARTITION',
  'NOT_LEADER_OR_FOLLOWER',
  'LEADER_NOT_AVAILABLE',
  'UNKNOWN_TOPIC_OR_PARTITION',
]);

/** `admin.fetchTopicOffsets`, waiting (metadata refreshed, up to `timeoutMs`) while the partition's leader settles. */
export async function fetchTopicOffsetsSettled(
  admin: Admin,
  topic: string,
  timeoutMs = 30_000,
): ReturnType<Admin['fetchTopicOffsets']> {
  const deadline = Date.now() + timeoutMs;
  for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
    try {
      return await admin.fetchTopicOffsets(topic);
    } catch (error) {
      const type = (error as { type?: string }).type ?? '';
      if (!LEADER_SETTLING.has(type) || Date.now() + wait > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, wait));
      await admin.fetchTopicMetadata({ topics: [topic] }).catch(() => undefined);
    }
  }
}
