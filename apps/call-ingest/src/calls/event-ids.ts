import { createHash } from 'node:crypto';

/** A fixed namespace, so ids depend only on the event type and the CallSid. */
const NAMESPACE = Buffer.from('6f1c2d8e4b7a4e0f9a3c5d2e1b0a9f87', 'hex');

/**
 * A UUID v5 (RFC 9562: SHA-1 of namespace + name) of `<type>:<CallSid>`. The
 * same call always gives the same event id, whichever process or restart
 * records it, so consumers' dedup-by-id counts every call once.
 */
export function callEventId(
  type: 'CallReceived' | 'CallResolved' | 'CallCompleted' | 'DealerDialEnded',
  callSid: string,
): string {
  const hash = createHash('sha1').update(NAMESPACE).update(`${type}:${callSid}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
