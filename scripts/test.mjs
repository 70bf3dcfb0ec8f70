#!/usr/bin/env node
// npm test: every tier, with the infrastructure it needs started here.
//   unit  pure specs
//   int   real Kafka + Postgres (one broker for the whole run; suites isolate
//         themselves by topic prefix and database)
//   e2e   the built services over HTTP (one at a time: they share ports)
// The last line is `N passed, N failed`, summed from jest's own JSON results.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, stackEnv } from './lib/env.mjs';
import { build, ensureInfra } from './lib/stack.mjs';
import { runScript } from './lib/processes.mjs';
import { deleteTestTopics } from './lib/kafka-cleanup.mjs';

const args = process.argv.slice(2);
const tiers = [];
const passThrough = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--tier') tiers.push(args[++i]);
  else passThrough.push(args[i]);
}
const wanted = tiers.length ? tiers : ['unit', 'int', 'e2e'];
const { env } = stackEnv();
const resultsDir = join(ROOT, '.data/test-results');
mkdirSync(resultsDir, { recursive: true });

let infraStarted = [];
if (wanted.some((tier) => tier !== 'unit')) {
  infraStarted = await ensureInfra(env);
  build();
}

// testTimeout is a global jest option, so each phase sets it: int and e2e tests wait on a real
// broker (first group joins, coordinator loads on a fresh broker), which 5 s does not always cover.
const phases = [
  { tiers: wanted.filter((tier) => tier !== 'e2e'), flags: ['--maxWorkers=2', '--testTimeout=60000'] },
  { tiers: wanted.filter((tier) => tier === 'e2e'), flags: ['--runInBand', '--testTimeout=180000'] },
].filter((phase) => phase.tiers.length > 0);

let passed = 0;
let failed = 0;
for (const [index, phase] of phases.entries()) {
  const output = join(resultsDir, `phase-${index}.json`);
  rmSync(output, { force: true });
  const projects = phase.tiers.flatMap((tier) => ['--selectProjects', tier]);
  spawnSync(
    process.execPath,
    ['node_modules/jest/bin/jest.js', ...passThrough, ...projects, ...phase.flags, '--json', `--outputFile=${output}`],
    // The suites get the caller's environment, not the stack defaults: each e2e stack derives
    // its own run and data directories, and must not inherit the developer's.
    {
      cwd: ROOT,
      env: { ...process.env, KAFKA_BROKERS: env.KAFKA_BROKERS, DATABASE_URL: env.DATABASE_URL, FORCE_COLOR: '0' },
      stdio: 'inherit',
    },
  );
  if (!existsSync(output)) {
    failed += 1; // jest could not even report: count the phase as a failure
    continue;
  }
  const result = JSON.parse(readFileSync(output, 'utf8'));
  passed += result.numPassedTests;
  // A suite that fails to load has no failing test of its own; count it once.
  failed += result.numFailedTests + result.numRuntimeErrorTestSuites;
}

if (wanted.some((tier) => tier !== 'unit')) {
  const deleted = await deleteTestTopics(env.KAFKA_BROKERS).catch((error) =>
    console.error(`test topics not cleaned up: ${error.message}`),
  );
  if (deleted) console.log(`deleted ${deleted} test topics`);
}
if (infraStarted.includes('kafka')) runScript(['scripts/infra/kafka.sh', 'stop'], env);
if (infraStarted.includes('postgres')) runScript(['scripts/infra/postgres.sh', 'stop'], env);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
