/** Nest injection tokens of the allocator. */
export const ALLOCATOR_CONFIG = Symbol('ALLOCATOR_CONFIG');
export const TWILIO_NUMBERS = Symbol('TWILIO_NUMBERS');
export const KAFKA = Symbol('KAFKA');
/** What the process does when it must stop writing (fenced, failed transaction): process.exit by default; tests inject their own. */
export const EXIT = Symbol('EXIT');
export type Exit = (code: number, reason: string) => void;
