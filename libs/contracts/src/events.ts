import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { allocationEventSchemas } from './allocation-events';
import { callEventSchemas } from './call-events';
import { Envelope, EventMetadata, RawEnvelope } from './envelope';
import { webEventSchemas } from './web-events';
import { upcast } from './upcasters';

export const eventSchemas = {
  ...allocationEventSchemas,
  ...callEventSchemas,
  ...webEventSchemas,
} as const;

export type EventType = keyof typeof eventSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;

/** The current schemaVersion of each event type; bump only with an upcaster. */
export const SCHEMA_VERSIONS: Record<EventType, number> = Object.fromEntries(
  Object.keys(eventSchemas).map((type) => [type, 1]),
) as Record<EventType, number>;

/** Discriminated union of every event we know: switch on `type`. */
export type CallpoolEvent = { [T in EventType]: Envelope<T, EventData<T>> }[EventType];
export type EventOf<T extends EventType> = Extract<CallpoolEvent, { type: T }>;

export function isEventType(type: string): type is EventType {
  return Object.prototype.hasOwnProperty.call(eventSchemas, type);
}

export interface NewEventOptions {
  occurredAt: Date | string;
  metadata: Omit<EventMetadata, 'correlationId'> & { correlationId?: string };
  id?: string;
}

/** Builds a validated envelope; throws on data that breaks its schema (a bug, not input). */
export function newEvent<T extends EventType>(type: T, data: EventData<T>, options: NewEventOptions): EventOf<T> {
  const id = options.id ?? randomUUID();
  const occurredAt = typeof options.occurredAt === 'string' ? options.occurredAt : options.occurredAt.toISOString();
  const parsed = eventSchemas[type].parse(data);
  return {
    id,
    type,
    schemaVersion: SCHEMA_VERSIONS[type],
    occurredAt,
    data: parsed,
    metadata: {
      correlationId: options.metadata.correlationId ?? id,
      causationId: options.metadata.causationId ?? null,
      producer: options.metadata.producer,
    },
  } as EventOf<T>;
}

export type DecodeResult = { ok: true; event: CallpoolEvent } | { ok: false; reason: string; raw: string };

/**
 * The consuming edge: bytes → a validated, upcast event, or a reason it is not
 * one (the projector dead-letters those; services skip them with a warning).
 */
export function decodeEvent(value: Buffer | string | null): DecodeResult {
  const raw = value === null ? '' : value.toString();
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, reason: 'value is not JSON', raw };
  }
  const envelope = RawEnvelope.safeParse(json);
  if (!envelope.success)
    return { ok: false, reason: `bad envelope: ${envelope.error.issues.map(describeIssue).join('; ')}`, raw };
  const current = upcast(envelope.data);
  if (!isEventType(current.type)) return { ok: false, reason: `unknown event type ${current.type}`, raw };
  const data = eventSchemas[current.type].safeParse(current.data);
  if (!data.success)
    return { ok: false, reason: `bad ${current.type} data: ${data.error.issues.map(describeIssue).join('; ')}`, raw };
  return { ok: true, event: { ...current, data: data.data } as CallpoolEvent };
}

/** The producing edge: an event whose data breaks its schema is a bug and never reaches the log. */
export function encodeEvent(event: CallpoolEvent): Buffer {
  const schema = isEventType(event.type) ? eventSchemas[event.type] : undefined;
  if (!schema) throw new Error(`cannot publish unknown event type ${event.type}`);
  const data = schema.safeParse(event.data);
  if (!data.success)
    throw new Error(`cannot publish ${event.type} ${event.id}: ${data.error.issues.map(describeIssue).join('; ')}`);
  return Buffer.from(JSON.stringify(event));
}

function describeIssue(issue: z.ZodIssue): string {
  return `${issue.path.join('.') || '(root)'}: ${issue.message}`;
}
