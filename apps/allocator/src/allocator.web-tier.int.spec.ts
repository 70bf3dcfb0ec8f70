import { once } from 'node:events';
import { connect } from 'node:net';
import { gunzipSync } from 'node:zlib';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { CallpoolApiError, CallpoolClient, isApiError } from '@callpool/client';
import { waitFor } from '@callpool/testing';
import { AllocatorHarness, ADMIN_TOKEN, Client } from './testing/harness';

/** Every route of CONTRACT.md's allocator section (v3). */
const CONTRACT_ROUTES = [
  'post /v1/displays',
  'post /v1/page-views',
  'put /v1/listings/{listingId}',
  'post /v1/listings/{listingId}/sold',
  'put /v1/dealers/{dealerId}',
  'get /v1/pool',
  'get /v1/snippet.js',
  'get /openapi.json',
  'get /docs',
  'get /health',
  'get /metrics',
  'post /internal/clock',
];
const DEMO_ORIGIN = 'http://127.0.0.1:3000';
const SITE = 'https://cars.example';

type Document = { openapi: string; paths: Record<string, Record<string, { responses: Record<string, any> }>> };

describe('allocator for the web tier: OpenAPI, typed client, snippet, CORS', () => {
  const world = new AllocatorHarness('alloc_webtier', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 3,
    POOL_MAX: 3,
    ALLOWED_ORIGINS: `${SITE}, ${DEMO_ORIGIN}`,
  });
  let allocator: Client;
  let client: CallpoolClient;
  let document: Document;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));

  /** Validates a real answer against the document's schema of that route and status. */
  function conforms(method: string, path: string, status: number, body: unknown): void {
    // The document must name this status for this route, or the answer is one it does not describe.
    expect({
      route: `${method} ${path}`,
      documented: Object.keys(document.paths[path]?.[method]?.responses ?? {}),
    }).toEqual({ route: `${method} ${path}`, documented: expect.arrayContaining([String(status)]) });
    const pointer = ['paths', path, method, 'responses', String(status), 'content', 'application/json', 'schema']
      .map((part) => part.replace(/~/g, '~0').replace(/\//g, '~1'))
      .join('/');
    const validate = ajv.getSchema(`openapi.json#/${pointer}`);
    if (!validate) throw new Error(`no schema at ${pointer}`);
    const valid = validate(body);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  }

  beforeAll(async () => {
    await world.setUp();
    allocator = await world.start();
    client = new CallpoolClient({ baseUrl: allocator.url, adminToken: ADMIN_TOKEN, timeoutMs: 5000 });
    document = (await allocator.request('GET', '/openapi.json')).body;
    ajv.addSchema(document, 'openapi.json');
    await client.listings.put('L-1', { dealerId: 'D-1', forwardTo: '+14155550101', tier: 'premium' });
    await allocator.waitForAvailable(1);
  });
  afterAll(() => world.tearDown());

  it('documents every route of the contract as OpenAPI 3.1, and documents no route the allocator lacks', async () => {
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method} ${path}`),
    );
    expect(documented.sort()).toEqual([...CONTRACT_ROUTES].sort());
    const fastify = allocator.allocator.app.getHttpAdapter().getInstance();
    for (const route of documented) {
      const [method, path] = route.split(' ');
      expect({
        route,
        exists: fastify.hasRoute({ method: method.toUpperCase(), url: path.replace(/\{(\w+)\}/g, ':$1') }),
      }).toEqual({ route, exists: true });
    }
  });

  it('answers every route with what the document says (real answers, validated with ajv)', async () => {
    const shown = await client.displays({
      visitorId: 'v-1',
      sessionId: 's-1',
      listingId: 'L-1',
      context: { source: 'google' },
    });
    conforms('post', '/v1/displays', 200, shown);
    const view = await allocator.request('POST', '/v1/page-views', {
      visitorId: 'v-1',
      sessionId: 's-1',
      url: '/cars/L-1',
      action: 'gallery',
    });
    expect(view.status).toBe(202);
    conforms('post', '/v1/page-views', 202, view.body);
    const listing = await allocator.request('PUT', '/v1/listings/L-2', {
      dealerId: 'D-2',
      forwardTo: '+14155550102',
      tier: 'standard',
      title: '2019 Honda Civic',
    });
    conforms('put', '/v1/listings/{listingId}', 200, listing.body);
    conforms('get', '/v1/pool', 200, await client.pool());
    conforms('post', '/v1/listings/{listingId}/sold', 200, await client.listings.sold('L-2'));
    const webhook = { webhookUrl: 'https://crm.example.com/calls', secret: 'dealer-secret-0123456789' };
    const dealer = await client.dealers.put('D-2', webhook); // the typed client, against the real route
    expect(dealer).toEqual({ dealerId: 'D-2', webhookUrl: webhook.webhookUrl });
    conforms('put', '/v1/dealers/{dealerId}', 200, dealer);
    const errors: Array<[string, string, number, unknown]> = [
      ['post', '/v1/displays', 400, { visitorId: 'v'.repeat(129), sessionId: 's', listingId: 'L-1' }],
      ['post', '/v1/displays', 404, { visitorId: 'v', sessionId: 's', listingId: 'L-none' }],
      ['post', '/v1/displays', 410, { visitorId: 'v', sessionId: 's', listingId: 'L-2' }],
      ['post', '/v1/page-views', 400, { visitorId: 'v' }],
    ];
    for (const [method, path, status, body] of errors) {
      const answer = await allocator.request(method.toUpperCase(), path, body);
      expect(answer.status).toBe(status);
      conforms(method, path, status, answer.body);
    }
    const blockedPort = await allocator.request('PUT', '/v1/dealers/D-2', {
      webhookUrl: 'https://crm.example.com:6000/calls',
      secret: 'dealer-secret-0123456789',
    });
    expect(blockedPort.status).toBe(400);
    conforms('put', '/v1/dealers/{dealerId}', 400, blockedPort.body);
    const anonymous = await allocator.request(
      'PUT',
      '/v1/listings/L-3',
      { dealerId: 'D', forwardTo: '+1415', tier: 'x' },
      null,
    );
    expect(anonymous.status).toBe(401);
    conforms('put', '/v1/listings/{listingId}', 401, anonymous.body);
  });

  it('serves a browsable UI of the document at /docs with its assets from the package', async () => {
    const page = await fetch(`${allocator.url}/docs`);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(src|href)=["']?https?:/i); // nothing from the internet
    const bundle = await fetch(`${allocator.url}/docs/swagger-ui-bundle.js`);
    expect(bundle.status).toBe(200);
    expect((await bundle.arrayBuffer()).byteLength).toBeGreaterThan(100_000); // read: an unread body holds the connection
    const init = await (await fetch(`${allocator.url}/docs/swagger-ui-init.js`)).text();
    expect(init).toContain('/v1/displays');
  });

  it('gives the contract error shape to client callers as typed errors', async () => {
    const missing = await client.displays({ visitorId: 'v', sessionId: 's', listingId: 'L-none' }).catch((e) => e);
    expect(missing).toBeInstanceOf(CallpoolApiError);
    expect(missing).toMatchObject({ status: 404, code: 'listing_not_found' });
    const sold = await client.displays({ visitorId: 'v', sessionId: 's', listingId: 'L-2' }).catch((e) => e);
    expect(isApiError(sold, 'listing_sold')).toBe(true);
    const stranger = new CallpoolClient({ baseUrl: allocator.url, adminToken: 'wrong-token' });
    await expect(stranger.listings.sold('L-1')).rejects.toMatchObject({ status: 401, code: 'unauthorized' });
  });

  it('serves the snippet cacheable, versioned and under 4 KB gzipped', async () => {
    const response = await fetch(`${allocator.url}/v1/snippet.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('application/javascript');
    expect(response.headers.get('cache-control')).toBe('public, max-age=3600');
    const etag = String(response.headers.get('etag'));
    expect(response.headers.get('x-callpool-snippet-version')).toMatch(/^1\.[0-9a-f]{12}$/);
    const source = await response.text(); // fetch undoes the gzip; measure the gzip itself below
    expect(source).toContain('data-callpool-number');
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const url = new URL(`${allocator.url}/v1/snippet.js`);
      require('node:http')
        .get(
          { host: url.hostname, port: url.port, path: url.pathname, headers: { 'accept-encoding': 'gzip' } },
          (res: any) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve(Buffer.concat(chunks)));
          },
        )
        .on('error', reject);
    });
    expect(raw.length).toBeLessThan(4096);
    expect(gunzipSync(raw).toString()).toBe(source);
    const again = await fetch(`${allocator.url}/v1/snippet.js`, { headers: { 'if-none-match': etag } });
    expect(again.status).toBe(304);
  });

  it('answers browsers of ALLOWED_ORIGINS (CORS) and refuses other origins', async () => {
    const preflight = (origin: string) =>
      fetch(`${allocator.url}/v1/displays`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
      });
    const allowed = await preflight(SITE);
    await allowed.arrayBuffer();
    expect(allowed.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(allowed.headers.get('access-control-allow-headers')).toContain('content-type');
    const foreign = await preflight('https://evil.example');
    await foreign.arrayBuffer();
    expect(foreign.headers.get('access-control-allow-origin')).toBeNull();
    const body = JSON.stringify({ visitorId: 'v-2', sessionId: 's-2', listingId: 'L-1' });
    const post = (origin: string) =>
      fetch(`${allocator.url}/v1/displays`, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/json' },
        body,
      });
    const fromSite = await post(SITE);
    expect(fromSite.status).toBe(200);
    expect(fromSite.headers.get('access-control-allow-origin')).toBe(SITE);
    expect(((await fromSite.json()) as { pool: string }).pool).toEqual(expect.any(String));
    const fromElsewhere = await post('https://evil.example');
    expect(fromElsewhere.status).toBe(403);
    expect(((await fromElsewhere.json()) as { error: { code: string } }).error.code).toBe('origin_not_allowed');
  });

  // Last: it shuts the allocator down. A browser preconnects sockets and sends on them later; one
  // opened before the shutdown is still open after the listener closes (Node's server.close() leaves
  // a socket that has sent nothing). A request on it must get the allocator's own answer, with its
  // CORS headers: Fastify's bare 503 has none, and the page's console shows a CORS error.
  it('answers a request on a socket opened before shutdown with its CORS headers, then closes it', async () => {
    const { port } = new URL(allocator.url);
    const socket = connect(Number(port), '127.0.0.1');
    await once(socket, 'connect');
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    const closed = once(socket, 'close');
    const shutdown = allocator.allocator.close();
    await waitFor(
      async () => ((await fetch(`${allocator.url}/health`).catch(() => null)) === null ? true : undefined),
      {
        what: 'the listener to close',
      },
    );
    socket.write(`GET /v1/snippet.js HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${SITE}\r\n\r\n`);
    await closed;
    await shutdown;
    const [head] = received.split('\r\n\r\n');
    expect(head.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(head.toLowerCase()).toContain(`access-control-allow-origin: ${SITE}`);
    expect(head.toLowerCase()).toContain('connection: close');
  });
});
