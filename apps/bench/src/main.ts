import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchAllocator } from './allocator/allocator.bench';
import { benchCallIngest } from './call-ingest/call-ingest.bench';
import { BenchContext } from './context';
import { benchProjector } from './projector/projector.bench';
import { benchRebuild } from './rebuild/rebuild.bench';
import { benchRollups } from './rollups/rollups.bench';
import { parseBenchOptions } from './options';
import { BenchReport, markdownReport, printReport } from './report';

/**
 * `npm run bench` runs this after building: each benchmark against its
 * baseline, measured in the same run on the same machine, then the ratios.
 */
async function main(): Promise<void> {
  const options = parseBenchOptions(process.argv.slice(2));
  const outDir = resolve(options.outDir, new Date().toISOString().replace(/[:.]/g, '-'));
  mkdirSync(outDir, { recursive: true });
  const ctx: BenchContext = {
    log: (line) => process.stderr.write(`${line}\n`),
    outDir,
    profile: options.profile,
    seed: options.seed,
    kafkaBrokers: process.env.KAFKA_BROKERS ?? '127.0.0.1:9092',
  };
  const report: BenchReport = { startedAt: new Date().toISOString(), options, machine: machine() };
  if (options.only.includes('allocator')) {
    report.allocator = await benchAllocator(ctx, {
      levels: options.levels,
      durationMs: options.seconds * 1000,
      maxRequests: Math.round(6000 * options.scale),
      repeatShare: options.repeatShare,
      listings: 200,
      pgPoolSize: 20,
    });
  }
  if (options.only.includes('projector')) report.projector = await benchProjector(ctx, options.projectorEvents);
  if (options.only.includes('call-ingest')) {
    report.callIngest = await benchCallIngest(ctx, {
      levels: options.webhookConcurrency,
      durationMs: options.seconds * 1000,
      maxRequests: Math.round(4000 * options.scale),
    });
  }
  if (options.only.includes('rollups')) {
    report.rollups = await benchRollups(ctx, {
      displays: Math.round(10_000_000 * options.scale),
      calls: Math.round(1_000_000 * options.scale),
      listings: 20_000,
      dealers: 2_000,
      visitors: Math.max(1000, Math.round(1_500_000 * options.scale)),
      days: 30,
    });
  }
  if (options.only.includes('rebuild'))
    report.rebuild = await benchRebuild(ctx, {
      events: options.rebuildEvents,
      progressEveryMs: options.rebuildProgressMs,
    });
  printReport(report, process.stdout);
  report.markdown = markdownReport(report);
  if (options.json) writeFileSync(options.json, JSON.stringify(report, null, 2));
  ctx.log(`logs${options.profile ? ' and CPU profiles' : ''}: ${outDir}`);
}

function machine() {
  const os = require('node:os') as typeof import('node:os');
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    // Other work on the machine skews every figure: say how busy it was when the run started.
    loadAverage: os.loadavg()[0],
  };
}

main().then(
  () => process.exit(0),
  (error: Error) => {
    process.stderr.write(`bench failed: ${error.stack ?? error.message}\n`);
    process.exit(1);
  },
);
