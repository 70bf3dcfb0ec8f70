import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Dealers' webhook secrets travel through `callpool.allocations`, which is kept
 * forever and readable by every service and operator with Kafka access. They
 * are sealed with AES-256-GCM under DEALER_WEBHOOK_KEY, which only the
 * allocator (seals) and the projector (signs deliveries) hold; a rotated key
 * means dealers are configured again (docs/analytics.md, Dealer notifications).
 */
const VERSION = 'v1';

function keyOf(passphrase: string): Buffer {
  return createHash('sha256').update(passphrase).digest();
}

export function sealSecret(secret: string, passphrase: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(passphrase), iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), data]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** Throws when the key is not the one that sealed it (or the value was tampered with). */
export function openSecret(sealed: string, passphrase: string): string {
  const [version, iv, tag, data] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || data === undefined) throw new Error('not a sealed dealer secret');
  const decipher = createDecipheriv('aes-256-gcm', keyOf(passphrase), Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
}
