import { z } from 'zod';
import { IsoTime } from './primitives';

/**
 * The wire shape of every message value (CONTRACT.md). `data` is validated per
 * event type by the schemas in the *-events.ts files.
 */
export const EventMetadata = z.object({
  correlationId: z.string().min(1),
  causationId: z.string().nullable().optional(),
  producer: z.string().min(1),
});
export type EventMetadata = z.infer<typeof EventMetadata>;

export const RawEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  schemaVersion: z.number().int().positive(),
  occurredAt: IsoTime,
  data: z.unknown(),
  metadata: EventMetadata,
});
export type RawEnvelope = z.infer<typeof RawEnvelope>;

export interface Envelope<TType extends string = string, TData = unknown> {
  id: string;
  type: TType;
  schemaVersion: number;
  occurredAt: string;
  data: TData;
  metadata: EventMetadata;
}
