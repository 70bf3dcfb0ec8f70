import { parseArgs } from 'node:util';

export const BENCHMARKS = ['allocator', 'projector', 'call-ingest', 'rollups', 'rebuild'] as const;
export type BenchmarkName = (typeof BENCHMARKS)[number];

export interface BenchOptions {
  only: BenchmarkName[];
  /** Multiplies every request and event count (0.1 for a quick look, 1 for the recorded run). */
  scale: number;
  levels: number[];
  seconds: number;
  repeatShare: number;
  projectorEvents: number;
  /** Events of the state-rebuild benchmark (allocator start-up replay, projector:rebuild). */
  rebuildEvents: number;
  /** Both rebuilds' progress interval: their default 5 s, shorter in a smoke run so the lines show. */
  rebuildProgressMs: number;
  webhookConcurrency: number[];
  profile: boolean;
  seed: number;
  outDir: string;
  json?: string;
  /** A quick run of every benchmark at a tiny scale: proves the suite still runs (CI), measures nothing. */
  smoke: boolean;
}

const USAGE = `node dist/apps/bench/src/main.js [options]
  --only <name>          allocator | projector | call-ingest | rollups | rebuild (repeatable; default all five)
  --scale <x>            multiplies request and event counts (default 1)
  --levels <a,b,...>     allocator concurrency levels (default 1,8,32,64,128)
  --seconds <s>          longest measured phase per level (default 6)
  --repeat-share <r>     share of displays that repeat a pair (default 0.2)
  --events <n>           projector events before --scale (default 60000)
  --webhook-levels <a,b> call-ingest concurrency levels (default 1,16)
  --rebuild-events <n>   events of the state rebuild before --scale (default 1000000): the allocator's
                         start-up replay and npm run projector:rebuild, against a plain consumer reading them
  rollups: 10,000,000 displays and 1,000,000 calls × --scale (20,000 listings, 2,000 dealers, 30 days)
  --profile              write V8 CPU profiles of the services under test (node --cpu-prof)
  --seed <n>             traffic seed (default 1)
  --out <dir>            logs and profiles (default .data/bench)
  --json <file>          also write the results as JSON
  --smoke                every benchmark at a tiny scale (levels 1,8, 1 s, 2,000 events, a rebuild of
                         20,000 with progress every 250 ms): proves the suite runs, as CI does; its
                         figures are not worth recording`;

const list = (value: string) =>
  value
    .split(',')
    .map((v) => Number(v.trim()))
    .filter((n) => Number.isFinite(n) && n > 0);

export function parseBenchOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string', multiple: true },
      scale: { type: 'string', default: '1' },
      levels: { type: 'string', default: '1,8,32,64,128' },
      seconds: { type: 'string', default: '6' },
      'repeat-share': { type: 'string', default: '0.2' },
      events: { type: 'string', default: '60000' },
      'webhook-levels': { type: 'string', default: '1,16' },
      'rebuild-events': { type: 'string', default: '1000000' },
      profile: { type: 'boolean', default: false },
      seed: { type: 'string', default: '1' },
      out: { type: 'string', default: '.data/bench' },
      json: { type: 'string' },
      help: { type: 'boolean', default: false },
      smoke: { type: 'boolean', default: false },
    },
  });
  if (values.smoke) {
    values.scale = '0.01';
    values.levels = '1,8';
    values.seconds = '1';
    values.events = String(2000 / 0.01);
    values['webhook-levels'] = '1,4';
    values['rebuild-events'] = String(20_000 / 0.01);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const only = (values.only ?? [...BENCHMARKS]).flatMap((v) => v.split(','));
  for (const name of only)
    if (!BENCHMARKS.includes(name as BenchmarkName)) throw new Error(`--only ${name}: one of ${BENCHMARKS.join(', ')}`);
  const scale = Number(values.scale);
  if (!(scale > 0)) throw new Error('--scale must be a positive number');
  return {
    only: only as BenchmarkName[],
    scale,
    levels: list(values.levels!),
    seconds: Number(values.seconds),
    repeatShare: Math.min(0.9, Math.max(0, Number(values['repeat-share']))),
    projectorEvents: Math.max(1000, Math.round(Number(values.events) * scale)),
    webhookConcurrency: list(values['webhook-levels']!),
    rebuildEvents: Math.max(1000, Math.round(Number(values['rebuild-events']) * scale)),
    rebuildProgressMs: values.smoke ? 250 : 5000,
    profile: values.profile!,
    seed: Number(values.seed),
    outDir: values.out!,
    json: values.json,
    smoke: values.smoke!,
  };
}
