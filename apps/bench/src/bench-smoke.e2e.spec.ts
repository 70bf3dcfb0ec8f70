import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchReport } from './report';

/**
 * The benchmark suite must not rot between the runs someone records: every
 * benchmark runs at smoke scale against the real broker, Postgres and the built
 * services, and each produces a measurement on both sides of its ratio. The
 * figures themselves are not judged here (benchmarks are not timed tests).
 */
describe('npm run bench -- --smoke', () => {
  const root = resolve(__dirname, '..', '..', '..');
  const dir = mkdtempSync(join(tmpdir(), 'callpool-bench-smoke-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs every benchmark and reports both sides of each ratio', () => {
    const json = join(dir, 'report.json');
    const run = spawnSync(
      process.execPath,
      ['dist/apps/bench/src/main.js', '--smoke', '--json', json, '--out', join(dir, 'out')],
      { cwd: root, env: process.env, encoding: 'utf8', timeout: 270_000 },
    );
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr.slice(-3000) }).toEqual({
      status: 0,
      stderr: '',
    });
    const report = JSON.parse(readFileSync(json, 'utf8')) as BenchReport;
    expect(report.options.smoke).toBe(true);

    const allocator = report.allocator!;
    expect(allocator.levels.map((l) => l.concurrency)).toEqual([1, 8]);
    for (const level of allocator.levels) {
      expect(level.callpool.requests).toBeGreaterThan(0);
      expect(level.callpool.failures).toBe(0);
      expect(level.baseline.throughput).toBeGreaterThan(0);
      expect(level.callpool.throughput).toBeGreaterThan(0);
      // The ceiling the allocator's ratio to the bare handler is printed against.
      expect(level.bare?.throughput).toBeGreaterThan(0);
    }

    const projector = report.projector!;
    expect(projector.events).toBeGreaterThanOrEqual(2000);
    expect(projector.copy.eventsPerSecond).toBeGreaterThan(0);
    expect(projector.projector.eventsPerSecond).toBeGreaterThan(0);

    for (const level of report.callIngest!.levels) {
      expect(level.bare.throughput).toBeGreaterThan(0);
      expect(level.callIngest.failures).toBe(0);
      expect(level.callIngest.throughput).toBeGreaterThan(0);
    }

    const rollups = report.rollups!;
    expect(rollups.listingPerformance.rollups.p50).toBeGreaterThan(0);
    expect(rollups.poolHealth7Days.rollups.p50).toBeGreaterThan(0);
    expect(Object.keys(rollups.rollupRows).length).toBeGreaterThan(0);

    // The state rebuild: both services rebuilt every event of the log, each beside a plain read of it,
    // and both said how far they were while they replayed (a long replay must not look stuck).
    const rebuild = report.rebuild!;
    expect(rebuild.events).toBeGreaterThanOrEqual(20_000);
    expect(rebuild.read.allTopics.events).toBe(rebuild.events);
    expect(rebuild.read.allTopics.seconds).toBeGreaterThan(0);
    expect(rebuild.read.allocatorTopics.events).toBe(rebuild.topics.allocations + rebuild.topics.webEvents);
    expect(rebuild.allocator.startUp.seconds).toBeGreaterThan(0);
    expect(rebuild.allocator.rebuiltLine).toMatch(/^rebuilt shard 0 in \d+ ms: 2500 numbers/);
    expect(rebuild.allocator.progressLines).toBeGreaterThan(0);
    expect(rebuild.allocator.lastProgressLine).toMatch(/^replaying the log: \d+ events folded, offset \d+ of \d+/);
    expect(rebuild.projector.rebuild.events).toBe(rebuild.events);
    expect(rebuild.projector.rebuild.seconds).toBeGreaterThan(0);
    expect(rebuild.projector.progressLines).toBeGreaterThan(0);
    expect(rebuild.projector.lastProgressLine).toMatch(/events projected, offset \d+ of \d+/);
  }, 290_000);
});
