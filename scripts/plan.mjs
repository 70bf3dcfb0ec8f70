#!/usr/bin/env node
// npm run plan [-- --json] [--top N]: the capacity plan (busiest 10-minute
// windows, concurrent visitors, listings per session, the Pool 1 size the
// DESIGN.md rule recommends beside the peak and overflow the pool had) from the
// projected history in DATABASE_URL (default: the `npm run up` database).
import { spawnSync } from 'node:child_process';
import { ROOT } from './lib/env.mjs';
import { build } from './lib/stack.mjs';

build();
const result = spawnSync(process.execPath, ['dist/apps/simulator/src/plan.js', ...process.argv.slice(2)], { cwd: ROOT, stdio: 'inherit' });
process.exit(result.status ?? 1);
