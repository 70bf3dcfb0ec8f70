import { AllocatorHarness, Client } from './testing/harness';

/** Rate limits of the visitor-facing endpoints, with limits small enough to reach in a test. */
describe('allocator rate limits', () => {
  const world = new AllocatorHarness('alloc_limits', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 8,
    POOL_MAX: 8,
    RATE_LIMIT_ALLOW: '',
    RATE_LIMIT_PER_VISITOR: 4,
    RATE_LIMIT_PER_ADDRESS: 10,
    RATE_LIMIT_WINDOW_SECONDS: 600,
  });
  let client: Client;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    await client.listing('L-1');
    await client.waitForAvailable(8);
  });
  afterAll(() => world.tearDown());

  const view = (visitorId: string) =>
    client.request('POST', '/v1/page-views', {
      visitorId,
      sessionId: `s-${visitorId}`,
      url: '/cars/L-1',
      action: 'view',
    });

  it('limits one visitor, then one address opening fresh visitors, with 429 and Retry-After', async () => {
    for (let i = 0; i < 4; i++) expect((await client.display('v-busy', 's-busy', 'L-1')).status).toBe(200);
    const limited = await client.display('v-busy', 's-busy', 'L-1');
    expect(limited.status).toBe(429);
    expect(limited.body.error).toEqual(expect.objectContaining({ code: 'rate_limited' }));
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Page views are counted apart from displays.
    expect((await view('v-busy')).status).toBe(202);

    // A script's fresh visitor ids: the address limit (10 displays in all) stops it, numbers stay in the pool.
    const answers: number[] = [];
    for (let i = 0; i < 10; i++) answers.push((await client.display(`v-bot-${i}`, `s-bot-${i}`, 'L-1')).status);
    expect(answers.filter((status) => status === 200)).toHaveLength(5);
    expect(answers.slice(6)).toEqual([429, 429, 429, 429]);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: 6, available: 2 }));

    const metrics = await (await fetch(`${client.url}/metrics`)).text();
    expect(metrics).toMatch(/callpool_allocator_rate_limited_total\{route="\/v1\/displays",by="visitor"\} 1/);
    expect(metrics).toMatch(/callpool_allocator_rate_limited_total\{route="\/v1\/displays",by="address"\} [4-9]/);
  });
});

describe('allocator rate limits, allow-listed address', () => {
  const world = new AllocatorHarness('alloc_limits_allow', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 4,
    POOL_MAX: 4,
    RATE_LIMIT_ALLOW: '127.0.0.1,::1',
    RATE_LIMIT_PER_VISITOR: 2,
    RATE_LIMIT_PER_ADDRESS: 3,
  });
  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('never limits the addresses in RATE_LIMIT_ALLOW (the simulator and benchmarks)', async () => {
    const client = await world.start();
    await client.listing('L-1');
    const statuses = new Set<number>();
    for (let i = 0; i < 8; i++) statuses.add((await client.display('v-sim', 's-sim', 'L-1')).status);
    expect([...statuses]).toEqual([200]);
  });
});
