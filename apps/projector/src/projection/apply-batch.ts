import { createHash } from 'node:crypto';
import { PoolClient } from 'pg';
import { CallpoolEvent, DecodeResult } from '@callpool/contracts';
import { projectEvents } from './project-events';
import { isPoison, refused, undecodable, writeDeadLetters } from './dead-letters';
import { toJson } from './sql';

export interface ProjectedMessage {
  offset: string;
  /** Kafka's timestamp of the message (ms since epoch, as kafkajs gives it). */
  timestamp: string;
  decoded: DecodeResult;
}

export interface Chunk {
  topic: string;
  partition: number;
  messages: ProjectedMessage[];
  /** The offset to resume from once this chunk is applied (past any transaction markers it covered). */
  nextOffset: bigint;
}

export interface ChunkOutcome {
  projected: number;
  duplicates: number;
  deadLetters: number;
  /** Messages below the stored offset: already applied by an earlier run. */
  skipped: number;
}

export class SchemaSwappedError extends Error {
  constructor() {
    super('the projection schema was swapped (rebuild); restarting from its stored offsets');
  }
}

export class OffsetConflictError extends Error {
  constructor(topic: string, partition: number) {
    super(`stored offset of ${topic}/${partition} changed under this batch (another projector or a swap)`);
  }
}

/**
 * One chunk, one transaction: the rows, the event ids and the consumed offset
 * commit together or not at all, which is what makes the projection
 * exactly-once in Postgres whatever Kafka redelivers. The offset is written
 * with a compare-and-set on the value read at the start, so a concurrent writer
 * or a swapped-in schema makes this batch roll back instead of leaving a hole.
 */
export async function applyChunk(
  client: PoolClient,
  chunk: Chunk,
  generation: string,
  beforeCommit?: (chunk: Chunk, client: PoolClient) => Promise<void>,
): Promise<ChunkOutcome> {
  await client.query('BEGIN');
  try {
    const stored = await storedOffset(client, chunk);
    const current = await client.query('SELECT generation FROM projector_generation');
    if (current.rows[0]?.generation !== generation) throw new SchemaSwappedError();
    const fresh = chunk.messages.filter((m) => stored === null || BigInt(m.offset) >= stored);
    const outcome = await applyMessages(client, chunk, fresh);
    const next = stored !== null && stored > chunk.nextOffset ? stored : chunk.nextOffset;
    await compareAndSetOffset(client, chunk, stored, next);
    if (beforeCommit) await beforeCommit(chunk, client);
    await client.query('COMMIT');
    return { ...outcome, skipped: chunk.messages.length - fresh.length };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Applies the chunk in one go; if Postgres refuses the data of some event (a
 * poison event that would fail on every retry), applies the events one by one
 * instead, each behind a savepoint, and dead-letters the ones it refuses.
 */
async function applyMessages(client: PoolClient, chunk: Chunk, messages: ProjectedMessage[]): Promise<Applied> {
  await client.query('SAVEPOINT chunk');
  try {
    return await applyAll(client, chunk, messages);
  } catch (error) {
    if (!isPoison(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT chunk');
  }
  const total: Applied = { projected: 0, duplicates: 0, deadLetters: 0 };
  for (const message of messages) {
    const outcome = await applyAlone(client, chunk, message);
    total.projected += outcome.projected;
    total.duplicates += outcome.duplicates;
    total.deadLetters += outcome.deadLetters;
  }
  return total;
}

async function applyAlone(client: PoolClient, chunk: Chunk, message: ProjectedMessage): Promise<Applied> {
  await client.query('SAVEPOINT message');
  try {
    return await applyAll(client, chunk, [message]);
  } catch (error) {
    if (!isPoison(error) || !message.decoded.ok) throw error;
    await client.query('ROLLBACK TO SAVEPOINT message');
    await writeDeadLetters(client, [refused(located(chunk, message), message.decoded.event, error as Error)]);
    return { projected: 0, duplicates: 0, deadLetters: 1 };
  }
}

type Applied = Omit<ChunkOutcome, 'skipped'>;

async function applyAll(client: PoolClient, chunk: Chunk, messages: ProjectedMessage[]): Promise<Applied> {
  const dead = messages.filter((m) => !m.decoded.ok);
  await writeDeadLetters(
    client,
    dead.map((m) => undecodable(located(chunk, m), m.decoded as Extract<DecodeResult, { ok: false }>)),
  );
  const inOrder = new Map<string, { event: CallpoolEvent; offset: string }>();
  for (const m of messages)
    if (m.decoded.ok && !inOrder.has(m.decoded.event.id))
      inOrder.set(m.decoded.event.id, { event: m.decoded.event, offset: m.offset });
  const fresh = await claimEventIds(client, chunk, [...inOrder.values()]);
  await projectEvents(client, fresh);
  return {
    projected: fresh.length,
    duplicates: messages.length - dead.length - fresh.length,
    deadLetters: dead.length,
  };
}

function located(chunk: Chunk, message: ProjectedMessage) {
  return { topic: chunk.topic, partition: chunk.partition, offset: message.offset, timestamp: message.timestamp };
}

/** Records the ids; the ones already there were projected before (a redelivery, perhaps at another offset). */
async function claimEventIds(client: PoolClient, chunk: Chunk, events: { event: CallpoolEvent; offset: string }[]) {
  if (events.length === 0) return [];
  const rows = events.map(({ event, offset }) => ({
    event_id: event.id,
    event_type: event.type,
    topic: chunk.topic,
    partition: chunk.partition,
    offset,
    occurred_at: event.occurredAt,
  }));
  const claimed = await client.query(
    `INSERT INTO processed_events (event_id, event_type, topic, partition, "offset", occurred_at)
     SELECT event_id, event_type, topic, partition, "offset", occurred_at
     FROM jsonb_to_recordset($1::jsonb) AS r(event_id text, event_type text, topic text, partition integer, "offset" bigint, occurred_at timestamptz)
     ON CONFLICT (event_id) DO NOTHING RETURNING event_id`,
    [toJson(rows)],
  );
  const ids = new Set(claimed.rows.map((row) => row.event_id as string));
  return events.map(({ event }) => event).filter((event) => ids.has(event.id));
}

async function storedOffset(client: PoolClient, chunk: Chunk): Promise<bigint | null> {
  const result = await client.query(
    'SELECT next_offset FROM projector_offsets WHERE topic = $1 AND partition = $2 FOR UPDATE',
    [chunk.topic, chunk.partition],
  );
  return result.rowCount ? BigInt(result.rows[0].next_offset) : null;
}

async function compareAndSetOffset(
  client: PoolClient,
  chunk: Chunk,
  expected: bigint | null,
  next: bigint,
): Promise<void> {
  // The first record of the partition is remembered on insert only: it names the log (consumer/log-identity.ts).
  const first = chunk.messages[0];
  const result = await client.query(
    `INSERT INTO projector_offsets AS o (topic, partition, next_offset, first_offset, first_record) VALUES ($1, $2, $3, $5, $6)
     ON CONFLICT (topic, partition) DO UPDATE SET next_offset = excluded.next_offset
     WHERE o.next_offset IS NOT DISTINCT FROM $4::bigint`,
    [
      chunk.topic,
      chunk.partition,
      next.toString(),
      expected === null ? null : expected.toString(),
      first.offset,
      recordIdentity(first.decoded),
    ],
  );
  if (result.rowCount !== 1) throw new OffsetConflictError(chunk.topic, chunk.partition);
}

/** What names a record across logs: its event id, or for a malformed value a digest of it. */
export function recordIdentity(decoded: DecodeResult): string {
  return decoded.ok ? decoded.event.id : `raw:${createHash('sha256').update(decoded.raw).digest('hex').slice(0, 32)}`;
}
