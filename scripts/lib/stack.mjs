// Bring the local stack up and down: Kafka and Postgres when none answers, the
// Twilio stand-in (unless TWILIO_API_URL points elsewhere), then the three
// services. What was started is written to CALLPOOL_RUN_DIR/started.json so
// `down` stops that and nothing else.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, local } from './env.mjs';
import { portOpen, runScript, runningPid, startDetached, stopProcess, waitHealthy } from './processes.mjs';

export const SERVICES = [
  {
    name: 'twilio-standin',
    script: 'dist/libs/twilio-standin/src/main.js',
    port: 'TWILIO_STANDIN_PORT',
    health: '/__standin/state',
  },
  { name: 'projector', script: 'dist/apps/projector/src/main.js', port: 'PROJECTOR_PORT', health: '/health' },
  { name: 'allocator', script: 'dist/apps/allocator/src/main.js', port: 'ALLOCATOR_PORT', health: '/health' },
  { name: 'call-ingest', script: 'dist/apps/call-ingest/src/main.js', port: 'CALL_INGEST_PORT', health: '/health' },
  // The demo listing site registers its listings with the allocator, so it comes last.
  { name: 'demo-site', script: 'dist/apps/demo-site/src/main.js', port: 'DEMO_PORT', health: '/health' },
];

function startedFile(env) {
  return join(env.CALLPOOL_RUN_DIR, 'started.json');
}

function readStarted(env) {
  const file = startedFile(env);
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { infra: [] };
}

export function build() {
  const result = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  if (result.status !== 0) throw new Error('build failed');
}

/** Kafka and Postgres; returns which of them this call started. */
export async function ensureInfra(env) {
  const started = [];
  const firstBroker = env.KAFKA_BROKERS.split(',')[0];
  if (!(await portOpen(firstBroker))) {
    runScript(['scripts/infra/kafka.sh', 'start'], env);
    started.push('kafka');
  }
  const postgres = spawnSync('bash', ['scripts/infra/postgres.sh', 'ensure'], { cwd: ROOT, env, encoding: 'utf8' });
  if (postgres.status !== 0) throw new Error(`postgres.sh ensure failed:\n${postgres.stderr}`);
  if (/throwaway cluster/i.test(postgres.stderr) && /start/i.test(postgres.stderr)) started.push('postgres');
  return started;
}

export async function up(env, { log = console.log } = {}) {
  mkdirSync(env.CALLPOOL_RUN_DIR, { recursive: true });
  const record = readStarted(env);
  const infraNow = await ensureInfra(env);
  for (const piece of infraNow) if (!record.infra.includes(piece)) record.infra.push(piece);
  writeFileSync(startedFile(env), JSON.stringify(record));
  build();
  const startedNow = [];
  for (const service of SERVICES) {
    if (service.name === 'demo-site' && env.DEMO_SITE === 'off') continue;
    if (
      service.name === 'twilio-standin' &&
      env.TWILIO_API_URL &&
      !runningPid(env.CALLPOOL_RUN_DIR, service.name, service.script)
    )
      continue;
    const url = local(env[service.port]);
    if (service.name === 'twilio-standin') env.TWILIO_API_URL = url;
    let pid = runningPid(env.CALLPOOL_RUN_DIR, service.name, service.script);
    if (!pid) {
      pid = startDetached(env.CALLPOOL_RUN_DIR, service.name, service.script, env);
      startedNow.push(service.name);
    }
    // The projector runs its migrations first and the allocator tops up its
    // pool from the stand-in, so each waits for the one before it.
    await waitHealthy(`${url}${service.health}`, { pid, logFile: join(env.CALLPOOL_RUN_DIR, `${service.name}.log`) });
    log(
      `  ${service.name.padEnd(15)} ${url}  (pid ${pid}${startedNow.includes(service.name) ? '' : ', already running'})`,
    );
  }
  return { startedNow, infraStarted: infraNow };
}

/** Stops the services of this run dir, then the infrastructure that `up` started. */
export async function down(env, { only, log = console.log } = {}) {
  for (const service of [...SERVICES].reverse()) {
    if (only && !only.includes(service.name)) continue;
    if (await stopProcess(env.CALLPOOL_RUN_DIR, service.name, service.script)) log(`  stopped ${service.name}`);
  }
  const record = readStarted(env);
  const infra = only ? record.infra.filter((piece) => only.includes(piece)) : record.infra;
  if (infra.includes('kafka')) {
    runScript(['scripts/infra/kafka.sh', 'stop'], env);
    log('  stopped kafka');
  }
  if (infra.includes('postgres')) {
    runScript(['scripts/infra/postgres.sh', 'stop'], env);
    log('  stopped postgres');
  }
  const remaining = record.infra.filter((piece) => !infra.includes(piece));
  if (remaining.length === 0) rmSync(startedFile(env), { force: true });
  else writeFileSync(startedFile(env), JSON.stringify({ infra: remaining }));
}
