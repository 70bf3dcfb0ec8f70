import { CallpoolEvent, DecodeResult, isStorableText } from '@callpool/contracts';
import { Db, writeRows } from './sql';

/**
 * `dead_letters` (CONTRACT.md v3): every message the projector could not
 * apply, with why, so one bad message never stalls the tables behind it.
 * Two kinds land here: messages that are not a valid event (decoding failed),
 * and valid events Postgres refuses (see `isPoison`). `recorded_at` is the
 * message's Kafka timestamp, not the wall clock: a rebuild writes the same rows.
 */
export interface DeadLetter {
  topic: string;
  partition: number;
  offset: string;
  event_id: string | null;
  type: string | null;
  error: string;
  payload: string;
  recorded_at: string;
}

interface Located {
  topic: string;
  partition: number;
  offset: string;
  timestamp: string;
}

export function undecodable(at: Located, failed: Extract<DecodeResult, { ok: false }>): DeadLetter {
  const { id, type } = namesOf(failed.raw);
  return row(at, id, type, failed.reason, failed.raw);
}

/** JSON.stringify escapes lone surrogates and NUL, so the payload of a refused event is always storable text. */
export function refused(at: Located, event: CallpoolEvent, error: Error & { code?: string }): DeadLetter {
  const why = `Postgres refused the event: ${error.message}${error.code ? ` (SQLSTATE ${error.code})` : ''}`;
  return row(at, event.id, event.type, why, JSON.stringify(event));
}

/**
 * Postgres refused the data itself, so the same event fails on every retry:
 * a data exception (class 22: bad text or JSON, out-of-range values), a
 * program limit (class 54: too deep, too big) or a NOT NULL/CHECK violation.
 * Anything else (a lost connection, a swapped schema, a lock) is retried.
 */
export function isPoison(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (/^(22|54)/.test(code) || code === '23502' || code === '23514');
}

export function writeDeadLetters(db: Db, rows: DeadLetter[]): Promise<void> {
  return writeRows(db, table, rows);
}

const table = {
  table: 'dead_letters',
  columns:
    'topic text, partition integer, "offset" bigint, event_id text, type text, error text, payload text, recorded_at timestamptz',
  conflict: 'ON CONFLICT (topic, partition, "offset") DO NOTHING',
};

function row(at: Located, id: string | null, type: string | null, error: string, payload: string): DeadLetter {
  return {
    topic: at.topic,
    partition: at.partition,
    offset: at.offset,
    event_id: id === null ? null : storable(id),
    type: type === null ? null : storable(type),
    error: storable(error),
    payload: storable(payload),
    recorded_at: new Date(Number(at.timestamp)).toISOString(),
  };
}

/** What a malformed message says it is, when it says it in JSON at all. */
function namesOf(raw: string): { id: string | null; type: string | null } {
  try {
    const value = JSON.parse(raw) as { id?: unknown; type?: unknown } | null;
    return {
      id: typeof value?.id === 'string' ? value.id.slice(0, 256) : null,
      type: typeof value?.type === 'string' ? value.type.slice(0, 256) : null,
    };
  } catch {
    return { id: null, type: null };
  }
}

/** Replaces what Postgres text cannot hold, so the dead letter itself can never be refused. */
function storable(text: string): string {
  if (isStorableText(text)) return text;
  return [...text].map((char) => (isStorableText(char) ? char : '\ufffd')).join('');
}
