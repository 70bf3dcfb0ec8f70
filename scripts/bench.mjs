#!/usr/bin/env node
// npm run bench -- [options]: the benchmarks, each against a baseline measured
// in the same run on this machine. Ensures Kafka and Postgres, builds, runs
// dist/apps/bench/src/main.js (options pass through; --help lists
// them), prints every ratio with the command that reproduces it, and writes
// the figures into docs/benchmarks.md between the markers of each benchmark
// that ran (--no-docs leaves the file alone).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, stackEnv } from './lib/env.mjs';
import { build, ensureInfra } from './lib/stack.mjs';

const args = process.argv.slice(2);
// A smoke run's figures are too small to record.
const writeDocs = !args.includes('--no-docs') && !args.includes('--smoke');
const passThrough = args.filter((arg) => arg !== '--no-docs');
const { env } = stackEnv();

if (!passThrough.includes('--help')) {
  const started = await ensureInfra(env);
  if (started.length > 0) console.error(`bench: started ${started.join(' and ')} (stop with npm run down)`);
}
build();

const runDir = join(ROOT, '.data', 'bench');
mkdirSync(runDir, { recursive: true });
const resultFile = join(runDir, `result-${process.pid}.json`);
const run = spawnSync(process.execPath, ['dist/apps/bench/src/main.js', ...passThrough, '--json', resultFile], {
  cwd: ROOT,
  env,
  stdio: 'inherit',
});
if (run.status !== 0) process.exit(run.status ?? 1);
if (!existsSync(resultFile)) process.exit(0);

const report = JSON.parse(readFileSync(resultFile, 'utf8'));
rmSync(resultFile, { force: true });
if (writeDocs && report.markdown) {
  const file = join(ROOT, 'docs', 'benchmarks.md');
  let doc = readFileSync(file, 'utf8');
  for (const [name, section] of Object.entries(report.markdown)) {
    const begin = `<!-- bench:${name}:begin -->`;
    const end = `<!-- bench:${name}:end -->`;
    const at = doc.indexOf(begin);
    const until = doc.indexOf(end);
    if (at < 0 || until < at) {
      console.error(`bench: docs/benchmarks.md has no ${begin} … ${end} markers; ${name} figures not recorded`);
      continue;
    }
    doc = `${doc.slice(0, at + begin.length)}\n${section}\n${doc.slice(until)}`;
  }
  writeFileSync(file, doc);
  console.log(`\nfigures recorded in docs/benchmarks.md (${Object.keys(report.markdown).join(', ')})`);
}
