import { randomUUID } from 'node:crypto';
import { CallpoolEvent, SCHEMA_VERSIONS } from '@callpool/contracts';
import { PoolEvent } from '@callpool/pool-domain';

export const PRODUCER = 'allocator';

export interface Causation {
  correlationId?: string;
  causationId?: string | null;
  /** The envelope's id, for a command that decides exactly one event (a page view retried with its pageViewId). */
  eventId?: string;
}

/**
 * Wraps a decided event into the contract's envelope. No schema validation
 * here (the hot path): the domain builds `data` with the contract's own types,
 * and the unit specs and the consumers' decodeEvent check the shapes.
 */
export function envelope(event: PoolEvent, causation: Causation = {}): CallpoolEvent {
  const id = causation.eventId ?? randomUUID();
  return {
    id,
    type: event.type,
    schemaVersion: SCHEMA_VERSIONS[event.type],
    occurredAt: event.occurredAt,
    data: event.data,
    metadata: {
      correlationId: causation.correlationId ?? id,
      causationId: causation.causationId ?? null,
      producer: PRODUCER,
    },
  } as CallpoolEvent;
}
