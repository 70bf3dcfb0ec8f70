#!/usr/bin/env node
// npm start: the whole product on one machine. Brings up what is not running
// (Kafka, Postgres, the Twilio stand-in, the three services, all on the
// manual clock unless CALLPOOL_CLOCK says otherwise), runs a short simulated
// stretch of traffic with its report (or a scripted demo), prints where to
// look, and on Ctrl-C stops what it started.
import { existsSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { ROOT, local, stackEnv } from './lib/env.mjs';
import { down, up } from './lib/stack.mjs';
import { scriptedDemo } from './lib/demo.mjs';

// The pool's settings are the defaults every stack shares (README, Settings); the demo only
// compresses time, so the replenisher looks at the pool more often than once a (real) second.
const { env, defaulted } = stackEnv({
  CALLPOOL_CLOCK: 'manual',
  REPLENISH_INTERVAL_MS: '200',
  ...process.env,
});
let started = { startedNow: [], infraStarted: [] };
let simulation;
let stopping = false;

async function stop() {
  if (stopping) return;
  stopping = true;
  simulation?.kill('SIGINT');
  console.log('\ncallpool: stopping what npm start started');
  await down(env, { only: [...started.startedNow, ...started.infraStarted] });
  process.exit(0);
}
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

// /internal/clock requires the admin token in every service (CONTRACT.md v3, Clock).
const admin = () => ({ headers: { authorization: `Bearer ${env.CALLPOOL_ADMIN_TOKEN}` } });

async function clockIsManual() {
  const response = await fetch(`${local(env.ALLOCATOR_PORT)}/internal/clock`, admin()).catch(() => undefined);
  return response?.status === 200;
}

/**
 * The demo plays the evening peak (19:00 UTC on the day after the services'
 * clocks), so a couple of simulated hours show the pool working hard.
 */
async function eveningPeak() {
  const ports = [env.ALLOCATOR_PORT, env.CALL_INGEST_PORT, env.PROJECTOR_PORT];
  const clocks = await Promise.all(
    ports.map(async (port) => Date.parse((await (await fetch(`${local(port)}/internal/clock`, admin())).json()).now)),
  );
  const day = new Date(Math.max(...clocks));
  day.setUTCHours(24, 0, 0, 0);
  return new Date(day.getTime() + 19 * 3600 * 1000).toISOString();
}

/** The development password is printed (it is in the repository); a real one is only named. */
function dashboardPassword() {
  return defaulted.includes('ANALYST_PASSWORD') ? `${env.ANALYST_PASSWORD} (development default)` : 'ANALYST_PASSWORD';
}

/** Runs the simulator in a child process (Ctrl-C must reach us while it runs); resolves to whether it succeeded. */
async function simulate() {
  const main = `${ROOT}/dist/apps/simulator/src/main.js`;
  if (!existsSync(main)) return false;
  const start = await eveningPeak();
  simulation = spawn(
    process.execPath,
    [
      main, // services and database from env (ALLOCATOR_PORT, ..., DATABASE_URL), like npm run simulate
      '--seed',
      '1',
      '--start',
      start,
      '--days',
      env.CALLPOOL_DEMO_DAYS ?? '0.08', // about two simulated hours; the e2e test of npm start plays less
      '--visitors-per-day',
      '4000',
      '--listings',
      '150',
      '--run-id',
      `demo${Date.now().toString(36)}`,
    ],
    { cwd: ROOT, env, stdio: 'inherit' },
  );
  return new Promise((resolve) => simulation.on('exit', (code) => resolve(code === 0)));
}

try {
  console.log(`callpool: demo listing site at ${local(env.DEMO_PORT)} once the stack is up`);
  console.log('callpool: starting (Kafka, Postgres, Twilio stand-in, allocator, call-ingest, projector, demo site)');
  started = await up(env);
  console.log(`\n== demo listing site: ${local(env.DEMO_PORT)}  (open it in a browser while the simulation runs)`);
  // The demo's traffic fills the dashboard as it runs (it shows the day before the newest data; Show refreshes).
  console.log(
    `== dashboard: ${local(env.PROJECTOR_PORT)}/dashboard  (any user name, password ${dashboardPassword()}; fills as the demo runs)\n`,
  );
  const simulated = (await clockIsManual()) && (await simulate());
  if (stopping) await new Promise(() => undefined); // stop() exits the process
  if (!simulated) await scriptedDemo(env);
  console.log(`
== where to look
  demo site     ${local(env.DEMO_PORT)}   listing pages with the snippet; "Call this number" plays a signed call
  allocator     ${local(env.ALLOCATOR_PORT)}/v1/pool   ${local(env.ALLOCATOR_PORT)}/docs   ${local(env.ALLOCATOR_PORT)}/metrics
  call-ingest   ${local(env.CALL_INGEST_PORT)}/health   ${local(env.CALL_INGEST_PORT)}/docs
  projector     ${local(env.PROJECTOR_PORT)}/health
  dashboard     ${local(env.PROJECTOR_PORT)}/dashboard   (any user name; password ${dashboardPassword()})
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
