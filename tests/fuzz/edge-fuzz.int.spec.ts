import fc from 'fast-check';
import { createTestDatabase, dropDatabase } from '@callpool/testing';
import { AllocatorHarness, Client } from '../../apps/allocator/src/testing/harness';
import { RunningProjector, startProjector } from '../../apps/projector/src/projector';
import { caughtUp, projectorConfig, query } from '../../apps/projector/test-support/harness';

/**
 * The open web against the allocator's public endpoints, with the projector
 * behind: arbitrary JSON, text with lone surrogates, NUL and control
 * characters, oversized fields, wrong types. Every answer is one the contract
 * allows, in its error shape; afterwards the projector has caught up with
 * every accepted event and dead-lettered none of them.
 */
const text = fc.oneof(
  fc.string(),
  fc.string({ unit: fc.constantFrom('\ud800', '\udc00', '\u0000', '\u0007', 'a', 'é', '🚗'), maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('x'.repeat(129), 'y'.repeat(3000), '', ' '),
);
const anything = fc.oneof(text, fc.jsonValue({ maxDepth: 3 }));
const id = fc.oneof({ weight: 3, arbitrary: fc.constantFrom('v-1', 's-1', 'L-1') }, { weight: 1, arbitrary: anything });
const context = fc.oneof(
  anything,
  fc.record(
    { source: anything, searchTerm: anything, demographics: fc.dictionary(text, anything, { maxKeys: 20 }) },
    { requiredKeys: [] },
  ),
);
const display = fc.record({ visitorId: id, sessionId: id, listingId: id, context }, { requiredKeys: [] });
const pageView = fc.record(
  { visitorId: id, sessionId: id, url: anything, action: anything, listingId: id },
  { requiredKeys: [] },
);

describe('the public endpoints under fuzzing', () => {
  const world = new AllocatorHarness('fuzz_edge', { CALLPOOL_CLOCK: 'manual', POOL_FLOOR: 10, POOL_MAX: 10 });
  let client: Client;
  let databaseUrl: string;
  let projector: RunningProjector;
  const accepted = { displays: 0, pageViews: 0 };

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    await client.listing('L-1');
    databaseUrl = await createTestDatabase('fuzz_edge');
    projector = await startProjector({ config: projectorConfig(world.prefix, databaseUrl) });
  }, 60_000);
  afterAll(async () => {
    await projector?.close();
    await world.tearDown();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  async function send(path: string, body: unknown, ok: number): Promise<void> {
    const answer = await client.request('POST', path, body);
    expect([ok, 400, 404, 413]).toContain(answer.status);
    if (answer.status !== ok)
      expect(answer.body).toEqual({
        error: { code: expect.any(String), message: expect.any(String), details: expect.any(Array) },
      });
    if (answer.status === 200) accepted.displays++;
    if (answer.status === 202) accepted.pageViews++;
  }

  it('answers 200/202/400/404/413 in the contract shape, and the projector takes every accepted event', async () => {
    await fc.assert(
      fc.asyncProperty(display, (body) => send('/v1/displays', body, 200)),
      { numRuns: 150 },
    );
    await fc.assert(
      fc.asyncProperty(pageView, (body) => send('/v1/page-views', body, 202)),
      { numRuns: 150 },
    );
    await send(
      '/v1/displays',
      '{"visitorId": "v-1", "sessionId": "s-1", "listingId": "L-1", "context": {"searchTerm": "\\ud800"}}',
      200,
    );
    expect(accepted.displays + accepted.pageViews).toBeGreaterThan(0);

    await caughtUp(projector, 40_000);
    const [views] = await query<{ n: number }>(databaseUrl, 'SELECT count(*)::int AS n FROM callpool.page_views');
    const [shown] = await query<{ n: number }>(databaseUrl, 'SELECT count(*)::int AS n FROM callpool.displays');
    expect({ pageViews: views.n, displays: shown.n }).toEqual(accepted);
    expect(await query(databaseUrl, 'SELECT * FROM callpool.dead_letters')).toEqual([]);
  }, 120_000);
});
