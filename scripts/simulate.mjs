#!/usr/bin/env node
// npm run simulate -- [options]: a seeded simulated day against a stack of its
// own (manual clocks, own ports, topic prefix, database and run dir), so it
// neither disturbs nor is disturbed by an `npm run up` stack, and reruns of one
// seed start from the same clean slate. Options are the simulator's
// (node dist/apps/simulator/src/main.js --help), plus --keep: leave the stack
// running afterwards (stop it with the command printed).
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, local, stackEnv } from './lib/env.mjs';
import { down } from './lib/stack.mjs';
import { runSweep } from './lib/sweep.mjs';

/** Allocator and call-ingest settings a caller may tune through the environment (e.g. COOLDOWN_SECONDS=900). */
// The pool's settings are the shared defaults (DEFAULT_POLICY); only the replenisher's real-time
// interval is shortened, since simulated time runs ~400x faster than the wall.
const SIM_DEFAULTS = { REPLENISH_INTERVAL_MS: '200', LOG_LEVEL: 'warn' };

export function simulationEnv(
  base = process.env,
  { seed = '1', label = Date.now().toString(36), portBase = 3100 } = {},
) {
  const runDir = resolve(ROOT, '.data/sim-run');
  const database = `callpool_sim_${label}`.replace(/[^a-z0-9_]/gi, '_').toLowerCase();
  const server = new URL(base.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/callpool');
  server.pathname = `/${database}`;
  const own = {
    CALLPOOL_CLOCK: 'manual',
    CALLPOOL_RUN_DIR: runDir,
    CALL_INGEST_DATA_DIR: resolve(runDir, `call-ingest-${label}`),
    CALLPOOL_TOPIC_PREFIX: `sim.${seed}.${label}.`.replace(/[^A-Za-z0-9._-]/g, '_'),
    DATABASE_URL: server.toString(),
    ALLOCATOR_PORT: String(portBase + 1),
    CALL_INGEST_PORT: String(portBase + 2),
    PROJECTOR_PORT: String(portBase + 3),
    TWILIO_STANDIN_PORT: String(portBase + 10),
    DEMO_SITE: 'off', // its listings would be in the measured pool
    PUBLIC_BASE_URL: local(portBase + 2),
  };
  const merged = { ...SIM_DEFAULTS, ...base, ...own };
  delete merged.TWILIO_API_URL; // our own stand-in, always
  return stackEnv(merged).env;
}

function seedOf(args) {
  const at = args.findIndex((a) => a === '--seed' || a.startsWith('--seed='));
  if (at < 0) return '1';
  return args[at].includes('=') ? args[at].split('=')[1] : (args[at + 1] ?? '1');
}

/**
 * up() in a child whose stdout goes to our stderr: the build it runs prints to
 * stdout, and stdout is reserved for the report (--json).
 */
function upQuietly(env) {
  const code = `const { up } = await import('./scripts/lib/stack.mjs');
    await up(process.env, { log: (line) => process.stderr.write(line + '\\n') });`;
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 2, 2],
    });
    child.on('exit', (status) =>
      status === 0 ? done() : fail(new Error(`bringing the simulation stack up failed (exit ${status})`)),
    );
  });
}

/** The simulator finds the services and the database from the stack's environment (ports, DATABASE_URL). */
function runSimulator(env, args) {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/simulator/src/main.js', ...args], {
      cwd: ROOT,
      env,
      stdio: 'inherit',
    });
    child.on('exit', (code, signal) => done(code ?? (signal ? 1 : 0)));
  });
}

async function main() {
  const argv = process.argv.slice(2);
  const keep = argv.includes('--keep');
  const args = argv.filter((a) => a !== '--keep');
  if (args.includes('--help')) {
    console.log('npm run simulate -- [--keep] [simulator options]');
    console.log(
      'npm run simulate -- --sweep [--pool-max-sweep 1,1.25,1.5,2,4] [--menu-compare [--menu-pool-factor 1]] [--json] [simulator options]',
    );
    return runSimulator(stackEnv().env, args);
  }
  if (args.some((a) => /^--(sweep|pool-max-sweep|menu-compare)(=|$)/.test(a)))
    return runSweep(args, { seed: seedOf(args), simulationEnv, upQuietly });
  const env = simulationEnv(process.env, { seed: seedOf(args) });
  const log = (line) => process.stderr.write(`${line}\n`);
  log(
    `simulate: a stack of its own (manual clocks, ports ${env.ALLOCATOR_PORT}-${env.TWILIO_STANDIN_PORT}, topics ${env.CALLPOOL_TOPIC_PREFIX}*, database ${new URL(env.DATABASE_URL).pathname.slice(1)})`,
  );
  let code = 1;
  try {
    await upQuietly(env);
    code = await runSimulator(env, args);
  } finally {
    if (keep) log(`simulate: stack left running; stop it with: CALLPOOL_RUN_DIR=${env.CALLPOOL_RUN_DIR} npm run down`);
    else {
      await down(env, { log });
      // The spool and view snapshot belong to this run's topics, which nothing will read again.
      rmSync(env.CALL_INGEST_DATA_DIR, { recursive: true, force: true });
    }
    log(
      `simulate: projected history kept in ${env.DATABASE_URL} (capacity plan: DATABASE_URL=${env.DATABASE_URL} npm run plan)`,
    );
  }
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (code) => process.exit(code ?? 0),
    (error) => {
      console.error(`simulate: ${error.message}`);
      process.exit(1);
    },
  );
}
