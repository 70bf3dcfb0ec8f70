import type { EventData } from '@callpool/contracts';

/**
 * The events the pool folds: every allocation event plus `PageViewed` (session
 * activity). Same `type`/`data` as the contract's envelopes, so a decoded
 * envelope can be evolved as it is; the service wraps decided ones into
 * envelopes (id, metadata) before writing them.
 */
export type PoolEventType =
  | 'ListingRegistered'
  | 'ListingNumberAssigned'
  | 'ListingSold'
  | 'NumberProvisioned'
  | 'NumberDisplayed'
  | 'SessionExpired'
  | 'NumberCooledDown'
  | 'NumberLocked'
  | 'NumberUnlocked'
  | 'NumberReleased'
  | 'NumberProvisioningFailed'
  | 'PageViewed';

export type PoolEvent = {
  [T in PoolEventType]: { type: T; data: EventData<T>; occurredAt: string };
}[PoolEventType];

export type PoolEventOf<T extends PoolEventType> = Extract<PoolEvent, { type: T }>;

const POOL_EVENT_TYPES = new Set<string>([
  'ListingRegistered',
  'ListingNumberAssigned',
  'ListingSold',
  'NumberProvisioned',
  'NumberDisplayed',
  'SessionExpired',
  'NumberCooledDown',
  'NumberLocked',
  'NumberUnlocked',
  'NumberReleased',
  'NumberProvisioningFailed',
  'PageViewed',
]);

export function isPoolEvent(event: { type: string }): event is PoolEvent {
  return POOL_EVENT_TYPES.has(event.type);
}

export function poolEvent<T extends PoolEventType>(type: T, data: EventData<T>, at: number): PoolEventOf<T> {
  return { type, data, occurredAt: iso(at) } as PoolEventOf<T>;
}

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
