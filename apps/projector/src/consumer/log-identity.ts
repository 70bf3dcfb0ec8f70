import { randomUUID } from 'node:crypto';
import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { decodeEvent } from '@callpool/contracts';
import { fetchTopicOffsetsSettled } from '@callpool/kafka';
import { recordIdentity } from '../projection/apply-batch';

/**
 * Whether a stored projection was read from the log it is now pointed at.
 *
 * The rule (docs/operations.md, "A projection from another log"): each
 * partition's first projected record is looked up at its offset.
 * - another record there, or the log no longer reaches that offset: the log was
 *   replaced (a second checkout's broker on the same database, a reset broker,
 *   recreated topics): `another-log`, and the projector rebuilds on its own;
 * - the same record there, but the log ends before the stored offset: the same
 *   log lost its tail (a broker lost acknowledged data): `lost-tail`, refused,
 *   because rebuilding would silently drop what only the projection still has;
 * - otherwise `same-log`. Partitions projected before identities were kept
 *   are `unknown`: the projector falls back to refusing when they are ahead.
 */
export type LogVerdict =
  { kind: 'same-log' } | { kind: 'another-log'; reason: string } | { kind: 'lost-tail'; reason: string };

interface StoredPartition {
  topic: string;
  partition: number;
  nextOffset: bigint;
  firstOffset: bigint | null;
  firstRecord: string | null;
}

type Identified = StoredPartition & { firstOffset: bigint; firstRecord: string };
const identified = (s: StoredPartition): s is Identified => s.firstOffset !== null && s.firstRecord !== null;

export async function compareWithLog(
  kafka: Kafka,
  pool: Pool,
  topics: string[],
  groupPrefix: string,
): Promise<LogVerdict> {
  const stored = await storedPartitions(pool, topics);
  if (stored.length === 0) return { kind: 'same-log' };
  const ends = await logEnds(kafka, [...new Set(stored.map((s) => s.topic))]);
  const endOf = (s: StoredPartition) => ends.get(key(s.topic, s.partition)) ?? 0n;
  const known = stored.filter(identified);
  const readable = known.filter((s) => endOf(s) > s.firstOffset);
  const found = await readFirstRecords(kafka, readable, groupPrefix);
  for (const s of known) {
    const now = found.get(key(s.topic, s.partition));
    if (now === undefined && endOf(s) > s.firstOffset) continue; // unreadable in time: decide by the offsets alone
    if (now !== s.firstRecord)
      return {
        kind: 'another-log',
        reason:
          `${s.topic}[${s.partition}] was projected from a log whose record at offset ${s.firstOffset} is ${s.firstRecord}; ` +
          (now ? `this log has ${now} there` : `this log ends at ${endOf(s)}`),
      };
  }
  const short = known.find((s) => s.nextOffset > endOf(s));
  if (short)
    return {
      kind: 'lost-tail',
      reason:
        `${short.topic}[${short.partition}] still begins with the records the projection read, but ends at ${endOf(short)}, ` +
        `before the projected offset ${short.nextOffset}: the broker lost acknowledged records`,
    };
  return { kind: 'same-log' };
}

async function storedPartitions(pool: Pool, topics: string[]): Promise<StoredPartition[]> {
  const rows = await pool.query(
    'SELECT topic, partition, next_offset, first_offset, first_record FROM projector_offsets WHERE topic = ANY($1)',
    [topics],
  );
  return rows.rows.map((row) => ({
    topic: row.topic,
    partition: row.partition,
    nextOffset: BigInt(row.next_offset),
    firstOffset: row.first_offset === null ? null : BigInt(row.first_offset),
    firstRecord: row.first_record,
  }));
}

async function logEnds(kafka: Kafka, topics: string[]): Promise<Map<string, bigint>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const ends = new Map<string, bigint>();
    for (const topic of topics.filter((t) => existing.has(t)))
      for (const o of await fetchTopicOffsetsSettled(admin, topic)) ends.set(key(topic, o.partition), BigInt(o.high));
    return ends;
  } finally {
    await admin.disconnect();
  }
}

/** The identity of the first committed record at or after each partition's first offset (a throwaway group). */
async function readFirstRecords(
  kafka: Kafka,
  wanted: Identified[],
  groupPrefix: string,
  timeoutMs = 15_000,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (wanted.length === 0) return found;
  const from = new Map(wanted.map((s) => [key(s.topic, s.partition), s.firstOffset]));
  const consumer = kafka.consumer({ groupId: `${groupPrefix}.log-identity.${randomUUID()}`, readUncommitted: false });
  let done!: () => void;
  const allFound = new Promise<void>((resolve) => (done = resolve));
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [...new Set(wanted.map((s) => s.topic))], fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        const k = key(batch.topic, batch.partition);
        const start = from.get(k);
        const first = batch.messages.find((m) => start !== undefined && BigInt(m.offset) >= start);
        if (first && !found.has(k)) found.set(k, recordIdentity(decodeEvent(first.value)));
        if (found.size === from.size) done();
      },
    });
    for (const s of wanted) consumer.seek({ topic: s.topic, partition: s.partition, offset: s.firstOffset.toString() });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([allFound, new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
    return found;
  } finally {
    await consumer.disconnect();
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
