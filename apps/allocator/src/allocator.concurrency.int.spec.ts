import { AllocatorHarness, Client } from './testing/harness';

const LISTINGS = 50;
const DISPLAYS = 500;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

describe('allocator under concurrent displays', () => {
  const world = new AllocatorHarness('alloc_concurrency', {
    POOL_FLOOR: 520,
    POOL_MAX: 520,
    PROVISION_STEP: 100,
    PROVISION_RATE_PER_MINUTE: 100000,
    CALLPOOL_CLOCK: 'manual',
    // This suite is about uniqueness under a burst, not time-outs: on a loaded machine 500 at once take seconds.
    COMMIT_TIMEOUT_MS: 120_000,
  });
  let client: Client;

  beforeAll(async () => {
    await world.setUp();
    client = await world.start();
    await Promise.all(Array.from({ length: LISTINGS }, (_, i) => client.listing(`L-${i}`)));
    await client.waitForAvailable(520, 40000);
  }, 60000);
  afterAll(() => world.tearDown());

  it('never gives one number to two holders, and the log proves it', async () => {
    const started = performance.now();
    const answers = await Promise.all(
      Array.from({ length: DISPLAYS }, async (_, i) => {
        const t0 = performance.now();
        const answer = await client.display(`v-${i}`, `s-${i}`, `L-${i % LISTINGS}`);
        return { ...answer, ms: performance.now() - t0, key: `s-${i}/L-${i % LISTINGS}` };
      }),
    );
    const elapsed = performance.now() - started;
    const latencies = answers.map((a) => a.ms);
    process.stdout.write(
      `[allocator] ${DISPLAYS} concurrent displays in ${elapsed.toFixed(0)} ms = ${((DISPLAYS / elapsed) * 1000).toFixed(0)} displays/s; ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms\n`,
    );
    expect(answers.map((a) => a.status)).toEqual(Array(DISPLAYS).fill(200));
    expect(answers.every((a) => a.body.pool === 'session' && a.body.attribution === 'visitor')).toBe(true);
    expect(new Set(answers.map((a) => a.body.number)).size).toBe(DISPLAYS);
    expect(await client.pool()).toEqual(expect.objectContaining({ displayed: DISPLAYS, available: 20, total: 520 }));

    const log = await world.readTopic('allocations');
    const assignments = log.filter((e) => e.type === 'NumberDisplayed' && e.data.assignmentStarted);
    const holderOf = new Map<string, string>();
    for (const e of assignments) {
      if (e.type !== 'NumberDisplayed') continue;
      const holder = `${e.data.sessionId}/${e.data.listingId}`;
      expect(holderOf.get(e.data.number) ?? holder).toBe(holder);
      holderOf.set(e.data.number, holder);
    }
    expect(holderOf.size).toBe(DISPLAYS);
    expect(Object.fromEntries(answers.map((a) => [a.key, a.body.number]))).toEqual(
      Object.fromEntries([...holderOf].map(([number, holder]) => [holder, number])),
    );
  });

  it('sustains displays from many concurrent clients (throughput)', async () => {
    const total = 4000;
    const concurrency = 100;
    let next = 0;
    const latencies: number[] = [];
    const statuses = new Map<number, number>();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          const i = next++;
          const t0 = performance.now();
          // Returning visitors: the same 500 (session, listing) pairs again, so the pool never runs dry.
          const answer = await client.display(
            `v-${i % DISPLAYS}`,
            `s-${i % DISPLAYS}`,
            `L-${(i % DISPLAYS) % LISTINGS}`,
          );
          latencies.push(performance.now() - t0);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        }
      }),
    );
    const elapsed = performance.now() - started;
    process.stdout.write(
      `[allocator] sustained: ${total} displays, ${concurrency} in flight, ${elapsed.toFixed(0)} ms = ${((total / elapsed) * 1000).toFixed(0)} displays/s; ` +
        `p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms\n`,
    );
    expect(Object.fromEntries(statuses)).toEqual({ 200: total });
  });
});
