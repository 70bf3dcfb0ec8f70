#!/usr/bin/env node
// npm start: the whole product on one machine. Brings up what is not running
// (Kafka, Postgres, the Twilio stand-in, the three services, all on the
// manual clock unless CALLPOOL_CLOCK says otherwise), runs a short simulated
// stretch of traffic with its report (or a scripted demo), prints where to
// look, and on Ctrl-C stops what it started.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { ROOT, local, stackEnv } from './lib/env.mjs';
import { down, up } from './lib/stack.mjs';
import { scriptedDemo } from './lib/demo.mjs';

const { env, defaulted } = stackEnv({ CALLPOOL_CLOCK: 'manual', ...process.env });
let started = { startedNow: [], infraStarted: [] };

async function stop() {
  console.log('\ncallpool: stopping what npm start started');
  await down(env, { only: [...started.startedNow, ...started.infraStarted] });
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

async function clockIsManual() {
  const response = await fetch(`${local(env.ALLOCATOR_PORT)}/internal/clock`).catch(() => undefined);
  return response?.status === 200;
}

function simulate() {
  const main = `${ROOT}/dist/apps/simulator/src/main.js`;
  if (!existsSync(main)) return false;
  const result = spawnSync(process.execPath, [main,
    '--allocator-url', local(env.ALLOCATOR_PORT), '--call-ingest-url', local(env.CALL_INGEST_PORT),
    '--projector-url', local(env.PROJECTOR_PORT), '--database-url', env.DATABASE_URL,
    '--seed', '1', '--days', '0.05', '--visitors-per-day', '3000', '--listings', '80',
    '--run-id', `demo${Date.now().toString(36)}`],
    { cwd: ROOT, env, stdio: 'inherit' });
  return result.status === 0;
}

try {
  console.log('callpool: starting (Kafka, Postgres, Twilio stand-in, allocator, call-ingest, projector)');
  started = await up(env);
  if (!((await clockIsManual()) && simulate())) await scriptedDemo(env);
  console.log(`
== where to look
  allocator     ${local(env.ALLOCATOR_PORT)}/v1/pool   ${local(env.ALLOCATOR_PORT)}/metrics
  call-ingest   ${local(env.CALL_INGEST_PORT)}/health
  projector     ${local(env.PROJECTOR_PORT)}/health
  Postgres      psql ${env.DATABASE_URL}
                  select * from listing_performance order by calls desc limit 10;
                  select * from pool_health order by window_start desc limit 12;
                  select attribution, count(*), avg(confidence) from calls group by 1;
  more queries  docs/analytics.md
  logs          ${env.CALLPOOL_RUN_DIR}/*.log
${defaulted.map((name) => `  ${name}=${env[name]} (development default)`).join('\n')}
Running; Ctrl-C stops what npm start started.`);
  setInterval(() => undefined, 1 << 30);
} catch (error) {
  console.error(`callpool: ${error.message}`);
  await down(env, { only: [...started.startedNow, ...started.infraStarted] }).catch(() => undefined);
  process.exit(1);
}
