import { CallpoolApiError, CallpoolClient, CallpoolConnectionError, CallpoolTimeoutError, isApiError } from './index';

type Call = { url: string; init: RequestInit };

/** A stand-in for the network: answers in order, recording what was sent. */
function network(...answers: Array<Response | Error | 'hang'>) {
  const calls: Call[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    const next = answers.shift() ?? new Error('no more answers');
    if (next === 'hang')
      return new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    if (next instanceof Error) throw next;
    return next;
  }) as typeof fetch;
  return { calls, fetchFn };
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
const refused = () => Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });

describe('CallpoolClient', () => {
  it('posts a display and returns the typed answer', async () => {
    const answer = {
      number: '+15550000001',
      pool: 'session',
      attribution: 'visitor',
      expiresAt: '2026-01-01T00:10:00Z',
    };
    const { calls, fetchFn } = network(json(200, answer));
    const client = new CallpoolClient({ baseUrl: 'http://allocator/', fetch: fetchFn });
    await expect(client.displays({ visitorId: 'v', sessionId: 's', listingId: 'L 1' })).resolves.toEqual(answer);
    expect(calls[0].url).toBe('http://allocator/v1/displays');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ visitorId: 'v', sessionId: 's', listingId: 'L 1' });
    expect((calls[0].init.headers as Record<string, string>).authorization).toBeUndefined();
  });

  it('sends the admin token to the listing and dealer endpoints, with the ids escaped', async () => {
    const { calls, fetchFn } = network(json(200, {}), json(200, {}), json(200, {}));
    const client = new CallpoolClient({ baseUrl: 'http://allocator', adminToken: 'secret-token', fetch: fetchFn });
    await client.listings.put('L/1', { dealerId: 'D', forwardTo: '+15557654321', tier: 'premium' });
    await client.listings.sold('L/1');
    const webhook = { webhookUrl: 'https://crm.example.com/calls', secret: 'dealer-secret-0123456789' };
    await client.dealers.put('D/1', webhook);
    expect(calls.map((c) => `${c.init.method} ${c.url}`)).toEqual([
      'PUT http://allocator/v1/listings/L%2F1',
      'POST http://allocator/v1/listings/L%2F1/sold',
      'PUT http://allocator/v1/dealers/D%2F1',
    ]);
    expect(JSON.parse(String(calls[2].init.body))).toEqual(webhook);
    for (const call of calls)
      expect((call.init.headers as Record<string, string>).authorization).toBe('Bearer secret-token');
  });

  it("turns the contract's error shape into a typed error with its code, details and Retry-After", async () => {
    const body = { error: { code: 'listing_sold', message: 'L-1 is sold', details: [{ path: 'x' }] } };
    const { fetchFn } = network(
      json(410, body),
      json(503, { error: { code: 'rebuilding', message: 'wait', details: [] } }, { 'retry-after': '1' }),
    );
    const client = new CallpoolClient({ baseUrl: 'http://allocator', fetch: fetchFn });
    const sold = await client.displays({ visitorId: 'v', sessionId: 's', listingId: 'L-1' }).catch((e) => e);
    expect(sold).toBeInstanceOf(CallpoolApiError);
    expect(sold).toMatchObject({ status: 410, code: 'listing_sold', details: [{ path: 'x' }] });
    expect(isApiError(sold, 'listing_sold')).toBe(true);
    expect(isApiError(sold, 'listing_not_found')).toBe(false);
    await expect(client.pool()).rejects.toMatchObject({ status: 503, code: 'rebuilding', retryAfterSeconds: 1 });
  });

  it('gives up after its timeout with a timeout error, and names a refused connection', async () => {
    const { fetchFn } = network('hang', refused());
    const client = new CallpoolClient({ baseUrl: 'http://allocator', timeoutMs: 30, fetch: fetchFn });
    await expect(client.pool()).rejects.toBeInstanceOf(CallpoolTimeoutError);
    await expect(client.pool()).rejects.toThrow(CallpoolConnectionError);
  });

  it('retries a 503 or an unreachable allocator when asked to, and never a 4xx', async () => {
    const pool = { total: 1, available: 1, displayed: 0, locked: 0, cooling: 0, target: 1, provisioning: 0 };
    const unavailable = json(503, { error: { code: 'rebuilding', message: '', details: [] } }, { 'retry-after': '0' });
    const retried = network(refused(), unavailable, json(200, pool));
    const patient = new CallpoolClient({
      baseUrl: 'http://a',
      attempts: 3,
      maxRetryDelayMs: 1,
      fetch: retried.fetchFn,
    });
    await expect(patient.pool()).resolves.toEqual(pool);
    expect(retried.calls).toHaveLength(3);
    const refusedOnce = network(json(400, { error: { code: 'invalid_request', message: '', details: [] } }));
    const client = new CallpoolClient({ baseUrl: 'http://a', attempts: 3, fetch: refusedOnce.fetchFn });
    await expect(client.pool()).rejects.toMatchObject({ code: 'invalid_request' });
    expect(refusedOnce.calls).toHaveLength(1);
  });
});
