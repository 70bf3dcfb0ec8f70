export * from './server';
export * from './faults';
export type { OwnedNumber } from './inventory';
export type { RequestKind } from './api';
