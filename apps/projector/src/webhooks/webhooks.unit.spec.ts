import { createHmac } from 'node:crypto';
import { nextAttemptAt, nextAttemptDelayMs } from './backoff';
import { signDelivery, verifyDelivery } from './signature';

describe('delivery signature', () => {
  const body = '{"call_sid":"CA1"}';

  it('is t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">', () => {
    const expected = createHmac('sha256', 'secret-1').update(`1700000000.${body}`).digest('hex');
    expect(signDelivery('secret-1', body, 1700000000)).toBe(`t=1700000000,v1=${expected}`);
  });

  it('verifies only the same secret, body and a fresh timestamp', () => {
    const header = signDelivery('secret-1', body, 1700000000);
    expect(verifyDelivery('secret-1', body, header, 1700000100)).toBe(true);
    expect(verifyDelivery('secret-2', body, header, 1700000100)).toBe(false);
    expect(verifyDelivery('secret-1', `${body} `, header, 1700000100)).toBe(false);
    expect(verifyDelivery('secret-1', body, header, 1700001000)).toBe(false);
  });
});

describe('delivery back-off', () => {
  const policy = { baseMs: 1000, maxMs: 60_000, giveUpMs: 24 * 3_600_000 };

  it('doubles per failed attempt up to the cap, with 50-100 % jitter', () => {
    expect([1, 2, 3, 4].map((n) => nextAttemptDelayMs(policy, n, 1))).toEqual([1000, 2000, 4000, 8000]);
    expect(nextAttemptDelayMs(policy, 4, 0)).toBe(4000);
    expect(nextAttemptDelayMs(policy, 30, 1)).toBe(60_000);
  });

  it('gives up once the next attempt would fall past the horizon', () => {
    const enqueued = new Date('2030-01-01T00:00:00Z');
    expect(nextAttemptAt(policy, 3, enqueued, new Date('2030-01-01T12:00:00Z'))).not.toBeNull();
    expect(nextAttemptAt(policy, 3, enqueued, new Date('2030-01-01T23:59:59.999Z'))).toBeNull();
  });
});
