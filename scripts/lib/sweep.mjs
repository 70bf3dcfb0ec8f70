// Several simulations of one traffic mix, each on a fresh stack of its own
// (new topics, database and call-ingest data dir; the same ports, one at a
// time), and one table: `npm run simulate -- --sweep` (POOL_MAX at multiples
// of the seed rule, issue 11) and `--menu-compare` (CALLER_MENU on and off at
// one pool size, issue 12). The seed rule comes from the traffic model's
// ground truth before any stack starts, so every run's cap is in its
// environment from the first second.
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT, stackEnv } from './env.mjs';
import { down } from './stack.mjs';

/**
 * The evening peak, 19:00–22:00 UTC at 4 000 visitors a day (the busiest 10 minutes have ~170
 * visitors), then 6 quiet hours in which only late calls come in: 4–6 minutes a run on the shared
 * 2-core machine (load 12), the simulation itself 200–345 s.
 */
export const SWEEP_MIX = ['--start-hour', '19', '--days', '0.125', '--tail-hours', '6', '--visitors-per-day', '4000'];
export const SWEEP_FACTORS = [1, 1.25, 1.5, 2, 4];

/** Takes the sweep's own options out of the command line; the rest goes to the simulator. */
export function sweepOptions(argv) {
  const rest = [];
  const options = { sweep: null, menuCompare: false, menuPoolFactor: 1, json: false };
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    if (name === '--sweep') options.sweep ??= SWEEP_FACTORS;
    else if (name === '--pool-max-sweep') options.sweep = factorsOf(value(), name);
    else if (name === '--menu-compare') options.menuCompare = true;
    else if (name === '--menu-pool-factor') options.menuPoolFactor = factorsOf(value(), name)[0];
    else {
      if (name === '--json') options.json = true;
      rest.push(argv[i]);
    }
  }
  return { options, simulatorArgs: rest.filter((a) => a !== '--json') };
}

/** The mix's options the command line does not set itself (pairs of `--name value`). */
export function withoutOverridden(mix, args) {
  const given = new Set(args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]));
  return mix.flatMap((item, i) => (i % 2 === 0 && !given.has(item) ? [item, mix[i + 1]] : []));
}

function factorsOf(text, option) {
  const factors = String(text ?? '')
    .split(',')
    .map(Number);
  if (factors.length === 0 || factors.some((f) => !Number.isFinite(f) || f <= 0))
    throw new Error(`${option}: positive multiples of the seed rule, comma-separated (e.g. 1,1.25,1.5,2,4)`);
  return factors;
}

/** The runs to make: every sweep factor, then the menu on and off. */
export function plannedRuns(options, rule, base = process.env) {
  const cap = (factor) => Math.max(1, Math.ceil(rule.numbers * factor));
  // The sweep measures what the pool alone buys; the menu comparison what the caller menu adds to it.
  const sweepEnv = { CALLER_MENU: base.CALLER_MENU ?? 'off' };
  const sweep = (options.sweep ?? []).map((factor) => ({ kind: 'sweep', factor, poolMax: cap(factor), env: sweepEnv }));
  const menu = options.menuCompare
    ? ['on', 'off'].map((callerMenu) => ({
        kind: 'menu',
        callerMenu,
        factor: options.menuPoolFactor,
        poolMax: cap(options.menuPoolFactor),
        env: { CALLER_MENU: callerMenu },
      }))
    : [];
  return [...sweep, ...menu];
}

const log = (line) => process.stderr.write(`${line}\n`);

const describe = (rule) =>
  `seed rule ${rule.visitors} visitors × ${rule.listingsPerSession} = ${rule.numbers} numbers (from the traffic's ground truth)`;

function buildQuietly() {
  const built = spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (built.status !== 0) throw new Error('build failed');
}

function simulatorJson(env, args) {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['--enable-source-maps', 'dist/apps/simulator/src/main.js', ...args], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 2],
    });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('exit', (code) =>
      code === 0 ? done(JSON.parse(out)) : fail(new Error(`the simulator exited with ${code}`)),
    );
  });
}

export async function runSweep(argv, { seed, simulationEnv, upQuietly }) {
  const { options, simulatorArgs } = sweepOptions(argv);
  const args = [...withoutOverridden(SWEEP_MIX, simulatorArgs), ...simulatorArgs];
  buildQuietly();
  const rule = await simulatorJson(stackEnv().env, [...args, '--rule-only']);
  const sweep = createRequire(import.meta.url)(resolve(ROOT, 'dist/apps/simulator/src/sweep/index.js'));
  const stamp = Date.now().toString(36);
  const saved = resolve(ROOT, '.data/sim-sweep', stamp);
  mkdirSync(saved, { recursive: true });
  log(`simulate: ${describe(rule)}; every run's report goes to ${saved} as it finishes`);
  const runs = [];
  for (const [i, run] of plannedRuns(options, rule).entries()) {
    const env = simulationEnv(
      { ...process.env, ...run.env, POOL_MAX: String(run.poolMax) },
      { seed, label: `${stamp}_${i}` },
    );
    const label =
      run.kind === 'sweep'
        ? `POOL_MAX ${run.factor}× = ${run.poolMax}`
        : `CALLER_MENU=${run.callerMenu}, POOL_MAX ${run.poolMax}`;
    log(`simulate: run ${i + 1} (${label}) on a fresh stack, database ${new URL(env.DATABASE_URL).pathname.slice(1)}`);
    const started = Date.now();
    try {
      await upQuietly(env);
      run.report = await simulatorJson(env, [...args, '--json']);
    } catch (error) {
      // One failed run should not throw away the others' minutes: its row says so.
      run.error = error.message;
      log(`simulate: run ${i + 1} failed: ${error.message}`);
    } finally {
      await down(env, { log: () => {} });
      rmSync(env.CALL_INGEST_DATA_DIR, { recursive: true, force: true });
    }
    run.database = env.DATABASE_URL;
    if (run.report) writeFileSync(resolve(saved, `${i + 1}-${run.kind}.json`), JSON.stringify(run));
    log(`simulate: run ${i + 1} done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
    runs.push(run);
  }
  const ruleNumbers = rule.numbers;
  const done = runs.filter((r) => r.report);
  const rows = done.filter((r) => r.kind === 'sweep').map((r) => sweep.sweepRow(r.report, { ...r, ruleNumbers }));
  const menuRows = done.filter((r) => r.kind === 'menu').map((r) => sweep.menuRow(r.report, r));
  const failed = runs.filter((r) => r.error);
  if (options.json) {
    const detail = runs.map(({ kind, factor, poolMax, callerMenu, database, report, error }) => ({
      kind,
      factor,
      poolMax,
      callerMenu,
      database,
      report,
      error,
    }));
    process.stdout.write(`${JSON.stringify({ rule, args, sweep: rows, menu: menuRows, runs: detail })}\n`);
  } else {
    const simulated = done[0]?.report.simulated;
    process.stdout.write(`traffic: ${args.join(' ')}${simulated ? ` (${simulated.from} → ${simulated.to})` : ''}\n`);
    if (rows.length) process.stdout.write(`\n${sweep.formatSweep(rule, rows)}\n`);
    if (menuRows.length) process.stdout.write(`\n${sweep.formatMenuCompare(rule, menuRows)}\n`);
    for (const run of failed)
      process.stdout.write(`\nFAILED ${run.kind} run (POOL_MAX ${run.poolMax}): ${run.error}\n`);
  }
  return failed.length === 0 ? 0 : 1;
}
