import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { databaseUrl, dropDatabase, uniqueName, waitFor } from '@callpool/testing';
import devDefaults from '../../libs/config/src/dev-defaults.json';

/**
 * `npm start` as a newcomer runs it (scripts/start.mjs), on ports, topics and a
 * database of its own: it brings the stack up, plays the demo simulation,
 * prints its report and where to look, and on Ctrl-C stops what it started.
 */
const root = join(__dirname, '../..');
const name = uniqueName('e2e_start');
const ports = { allocator: 15001, callIngest: 15002, projector: 15003, standIn: 15010, demo: 15020 };
const env: NodeJS.ProcessEnv = {
  ...process.env,
  CALLPOOL_RUN_DIR: join(root, '.data', name),
  CALL_INGEST_DATA_DIR: join(root, '.data', name, 'call-ingest'),
  CALLPOOL_TOPIC_PREFIX: `${name}.`,
  DATABASE_URL: databaseUrl(name),
  ALLOCATOR_PORT: String(ports.allocator),
  CALL_INGEST_PORT: String(ports.callIngest),
  PROJECTOR_PORT: String(ports.projector),
  TWILIO_STANDIN_PORT: String(ports.standIn),
  DEMO_PORT: String(ports.demo),
  PUBLIC_BASE_URL: `http://127.0.0.1:${ports.callIngest}`,
  CALLPOOL_DEMO_DAYS: '0.02',
  LOG_LEVEL: 'warn',
};
delete env.TWILIO_API_URL;
delete env.CALLPOOL_CLOCK; // npm start's own default (manual) is what is under test

const answers = (port: number) =>
  fetch(`http://127.0.0.1:${port}/health`).then(
    () => true,
    () => false,
  );

afterAll(async () => {
  await dropDatabase(String(env.DATABASE_URL));
  if (!process.env.E2E_KEEP_LOGS) rmSync(String(env.CALLPOOL_RUN_DIR), { recursive: true, force: true });
});

it('npm start runs the demo with its report, says where to look, and stops what it started on Ctrl-C', async () => {
  const child = spawn(process.execPath, ['scripts/start.mjs'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    await waitFor(() => output.includes('Running; Ctrl-C stops what npm start started') || child.exitCode !== null, {
      what: 'npm start to finish its demo',
      timeoutMs: 170_000,
      intervalMs: 500,
    });
    expect(child.exitCode).toBeNull();
    // The demo site's URL comes first, before the simulation's report.
    const demoUrl = `http://127.0.0.1:${ports.demo}`;
    expect(output.indexOf(demoUrl)).toBeGreaterThan(-1);
    expect(output.indexOf(demoUrl)).toBeLessThan(output.indexOf('callpool simulation — seed 1'));
    expect((await fetch(`${demoUrl}/cars/demo-L-1`)).status).toBe(200);
    // The dashboard's URL is printed before the demo runs, and the demo's calls fill it.
    const dashboardUrl = `http://127.0.0.1:${ports.projector}/dashboard`;
    expect(output.indexOf(`== dashboard: ${dashboardUrl}`)).toBeGreaterThan(-1);
    expect(output.indexOf(`== dashboard: ${dashboardUrl}`)).toBeLessThan(
      output.indexOf('callpool simulation — seed 1'),
    );
    const auth = {
      authorization: `Basic ${Buffer.from(`analyst:${devDefaults.ANALYST_PASSWORD}`).toString('base64')}`,
    };
    expect((await fetch(dashboardUrl, { headers: auth })).status).toBe(200);
    const csv = await (await fetch(`${dashboardUrl}/export/calls.csv`, { headers: auth })).text();
    expect(csv.trim().split('\n').length).toBeGreaterThan(1);
    expect(output).toContain('callpool simulation — seed 1');
    expect(output).toMatch(/projected (\d+), duplicates 0 → every call counted once/);
    expect(output).toContain(`psql ${env.DATABASE_URL}`);
    for (const port of [ports.allocator, ports.callIngest, ports.projector]) expect(await answers(port)).toBe(true);
  } finally {
    child.kill('SIGINT');
  }
  expect(await exited).toBe(0);
  expect(output).toContain('stopping what npm start started');
  for (const port of [ports.allocator, ports.callIngest, ports.projector, ports.standIn, ports.demo])
    expect(await answers(port)).toBe(false);
}, 240_000);
