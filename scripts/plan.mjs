#!/usr/bin/env node
// npm run plan [-- --json] [--top N]: the capacity plan (busiest 10-minute
// windows, concurrent visitors, listings per session, the Pool 1 size the
// DESIGN.md rule recommends beside the peak and overflow the pool had) from the
// projected history in DATABASE_URL (default: the `npm run up` database).
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/env.mjs';

// Built here rather than with stack.mjs' build(): that prints to stdout, which is the plan's (--json).
const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
if (built.status !== 0) process.exit(built.status ?? 1);
const result = spawnSync(process.execPath, ['dist/apps/simulator/src/plan.js', ...process.argv.slice(2)], {
  cwd: ROOT,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
