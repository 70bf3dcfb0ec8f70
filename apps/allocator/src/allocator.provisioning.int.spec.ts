import { waitFor } from '@callpool/testing';
import { AllocatorHarness, Client, DEALER_LINE } from './testing/harness';

describe('allocator provisioning against the Twilio stand-in', () => {
  const world = new AllocatorHarness('alloc_provisioning', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 4,
    POOL_MAX: 6,
    TWILIO_TIMEOUT_MS: 300,
    PROVISION_BACKOFF_MS: 100,
    PROVISION_BACKOFF_MAX_MS: 400,
    REPLENISH_INTERVAL_MS: 100,
  });
  let client: Client;

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  const faultedAtLeast = (count: number) =>
    waitFor(() => world.standIn.state().counters.faulted >= count, { what: `${count} faulted Twilio requests` });

  it('answers overflow, never an error, while Twilio fails, rate-limits or times out, then tops up', async () => {
    world.standIn.setMode({ mode: 'fail' });
    client = await world.start();
    expect((await client.listing('L-1')).status).toBe(200);
    await faultedAtLeast(2);
    const duringFailure = await client.display('v-1', 's-1', 'L-1');
    expect(duringFailure.status).toBe(200);
    expect(duringFailure.body).toEqual(
      expect.objectContaining({ pool: 'overflow', number: DEALER_LINE, attribution: 'none' }),
    );

    world.standIn.setMode({ mode: 'rate_limit' });
    const before429 = world.standIn.state().counters.faulted;
    await faultedAtLeast(before429 + 2);
    expect((await client.display('v-2', 's-2', 'L-1')).body.pool).toBe('overflow');

    world.standIn.setMode({ mode: 'slow', delayMs: 1500 });
    await waitFor(async () => (await client.pool()).provisioning > 0, { what: 'a purchase under way' });
    const slowDisplay = await client.display('v-3', 's-3', 'L-1');
    expect(slowDisplay.status).toBe(200);
    expect(slowDisplay.body.pool).toBe('overflow');
    await waitFor(
      async () =>
        (await world.readTopic('allocations')).some(
          (e) => e.type === 'NumberProvisioningFailed' && e.data.kind === 'timeout',
        ),
      {
        what: 'a timed-out purchase recorded',
        timeoutMs: 10000,
        intervalMs: 300,
      },
    );

    world.standIn.setMode({ mode: 'ok' });
    await client.waitForAvailable(4);
    const afterTopUp = await client.display('v-4', 's-4', 'L-1');
    expect(afterTopUp.body.pool).toBe('session');
    // POOL_MIN_FREE (10) keeps it buying up to POOL_MAX (6); let it settle before reading the log.
    await waitFor(
      async () => {
        const pool = await client.pool();
        return pool.total === 6 && pool.provisioning === 0 ? true : undefined;
      },
      { what: 'the pool bought up to POOL_MAX' },
    );

    const log = await world.readTopic('allocations');
    const failures = log.filter((e) => e.type === 'NumberProvisioningFailed');
    expect(new Set(failures.map((e) => e.type === 'NumberProvisioningFailed' && e.data.kind))).toEqual(
      new Set(['unavailable', 'rate_limited', 'timeout']),
    );
    const provisioned = log.filter((e) => e.type === 'NumberProvisioned');
    expect(provisioned.length).toBeGreaterThanOrEqual(4);
    expect(provisioned.length).toBeLessThanOrEqual(6);
    // Every number bought is one the stand-in says we own, with call-ingest's webhooks on it.
    const owned = world.standIn.state().owned;
    for (const e of provisioned)
      if (e.type === 'NumberProvisioned') expect(owned.map((n) => n.phoneNumber)).toContain(e.data.number);
    expect(owned[0]).toEqual(
      expect.objectContaining({
        voiceUrl: 'http://127.0.0.1:3002/twilio/voice',
        statusCallback: 'http://127.0.0.1:3002/twilio/status',
      }),
    );
    const overflowDisplays = log.filter((e) => e.type === 'NumberDisplayed' && e.data.pool === 'overflow');
    expect(overflowDisplays).toHaveLength(3);

    // What an operator watches: overflow answers, failed purchases by kind, the pool by state.
    const metrics = await (await fetch(`${client.url}/metrics`)).text();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(metrics)?.[1]);
    expect(value('callpool_allocator_displays_total{pool="overflow"}')).toBe(3);
    expect(value('callpool_allocator_displays_total{pool="session"}')).toBe(1);
    const adopted = value('callpool_allocator_purchases_total{outcome="adopted"}') || 0; // a timed-out purchase that went through
    expect(value('callpool_allocator_purchases_total{outcome="bought"}') + adopted).toBe(provisioned.length);
    for (const kind of ['unavailable', 'rate_limited', 'timeout'])
      expect(value(`callpool_allocator_purchases_total{outcome="${kind}"}`)).toBeGreaterThan(0);
    const pool = await client.pool();
    expect(value('callpool_allocator_pool_numbers{state="available"}')).toBe(pool.available);
    expect(value('callpool_allocator_pool_numbers{state="displayed"}')).toBe(pool.displayed);
    expect(value('callpool_allocator_pool_target')).toBe(pool.target);
  });

  it('never owns more than POOL_MAX numbers, whatever the traffic', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => client.display(`v-x${i}`, `s-x${i}`, 'L-1')));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const pool = await client.pool();
    expect(pool.total).toBeLessThanOrEqual(6);
    expect(world.standIn.state().owned.length).toBeLessThanOrEqual(6);
  });
});

describe('allocator provisioning when purchase rounds overlap', () => {
  // Twilio answers slowly, so a second round starts while the first round's purchases are under way;
  // the stand-in still lists those numbers as available, like Twilio does until a purchase completes.
  const world = new AllocatorHarness('alloc_overlap', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 2,
    POOL_MAX: 30,
    PROVISION_STEP: 5,
    PROVISION_RATE_PER_MINUTE: 1000,
    REPLENISH_INTERVAL_MS: 50,
    TWILIO_TIMEOUT_MS: 5000,
  });

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('never sends two purchases after the same number: every purchase succeeds', async () => {
    const client = await world.start();
    expect((await client.listing('L-1')).status).toBe(200);
    await client.waitForAvailable(2);
    world.standIn.setMode({ mode: 'slow', delayMs: 400 });
    // Six sessions at once: the target jumps to POOL_MAX, bought in steps of 5 by overlapping rounds.
    await Promise.all(Array.from({ length: 6 }, (_, i) => client.display(`v-${i}`, `s-${i}`, 'L-1')));
    await waitFor(async () => (await client.pool()).provisioning >= 10 || undefined, {
      what: 'two purchase rounds under way at once',
    });
    await waitFor(async () => ((await client.pool()).total === 30 ? true : undefined), {
      what: 'the pool bought up to POOL_MAX',
      timeoutMs: 30000,
    });
    // The pool counts a number once decided; its NumberProvisioned commits a moment later.
    const log = await waitFor(
      async () => {
        const events = await world.readTopic('allocations');
        return events.filter((e) => e.type === 'NumberProvisioned').length >= 30 ? events : undefined;
      },
      { what: 'every purchase committed to the log' },
    );
    expect(log.filter((e) => e.type === 'NumberProvisioningFailed')).toEqual([]);
    const bought = log.flatMap((e) => (e.type === 'NumberProvisioned' ? [e.data.number] : []));
    expect(bought).toHaveLength(30);
    expect(new Set(bought).size).toBe(30);
    expect(world.standIn.state().owned).toHaveLength(30);
  });
});

describe('allocator provisioning right after the display that needs it', () => {
  // The interval is an hour: only the displays themselves can wake the replenisher in this test.
  const world = new AllocatorHarness('alloc_wake', {
    CALLPOOL_CLOCK: 'manual',
    POOL_FLOOR: 3,
    POOL_MIN_FREE: 3,
    POOL_MAX: 10,
    REPLENISH_INTERVAL_MS: 3_600_000,
  });

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('a display that leaves fewer free numbers than the low watermark starts a purchase at once', async () => {
    const client = await world.start();
    expect((await client.listing('L-1')).status).toBe(200);
    await client.waitForAvailable(3);
    // Let the round that follows the first purchases run and find nothing to buy.
    await waitFor(async () => ((await client.pool()).provisioning === 0 ? true : undefined), {
      what: 'purchases done',
    });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await client.pool()).toMatchObject({ total: 3, available: 3, provisioning: 0 });
    expect((await client.display('v-1', 's-1', 'L-1')).body.pool).toBe('session');
    // The display leaves two free numbers, below the watermark of three; the new session also raises the target.
    const topped = await waitFor(
      async () => {
        const pool = await client.pool();
        return pool.available >= 3 && pool.provisioning === 0 ? pool : undefined;
      },
      { what: 'numbers bought without waiting for the interval', timeoutMs: 10000 },
    );
    expect(topped.total).toBeGreaterThan(3);
    expect(topped.displayed).toBe(1);
  });
});
