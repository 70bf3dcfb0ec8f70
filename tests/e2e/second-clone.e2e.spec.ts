import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from 'pg';
import { databaseUrl, dropDatabase, uniqueName, waitFor } from '@callpool/testing';

/**
 * The newcomer trap of issue 16: each checkout keeps its Kafka log in its own
 * `.data/`, while Postgres (and so the projection) is the machine's. A user who
 * runs `npm run up` in one clone, stops it, and then runs it in a second clone
 * of the same commit meets a projection read from the first clone's log. Both
 * must simply work: the second projector notices the log is another one and
 * rebuilds the projection from it on its own.
 *
 * The two clones are copies of this working tree (tracked and untracked files,
 * so the test checks what is on disk), sharing node_modules and the Kafka jars
 * by symlink; each starts its own broker on this spec's ports.
 */
const root = join(__dirname, '../..');
const name = uniqueName('e2e_second_clone');
const sharedDatabase = databaseUrl(name);
const ports = { kafka: 15592, allocator: 15501, callIngest: 15502, projector: 15503, standIn: 15510 };
const adminToken = JSON.parse(readFileSync(join(root, 'libs/config/src/dev-defaults.json'), 'utf8'))
  .CALLPOOL_ADMIN_TOKEN as string;
const workspace = mkdtempSync(join(tmpdir(), 'callpool-clones-'));

function cloneWorkingTree(target: string): string {
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: root,
    encoding: 'utf8',
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.split('\0').filter(Boolean)) {
    const to = join(target, file);
    mkdirSync(dirname(to), { recursive: true });
    try {
      cpSync(join(root, file), to);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error; // deleted but not yet committed
    }
  }
  symlinkSync(join(root, 'node_modules'), join(target, 'node_modules'));
  symlinkSync(join(root, '.cache'), join(target, '.cache'));
  return target;
}

function stackEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: `127.0.0.1:${ports.kafka}`,
    DATABASE_URL: sharedDatabase,
    ALLOCATOR_PORT: String(ports.allocator),
    CALL_INGEST_PORT: String(ports.callIngest),
    PROJECTOR_PORT: String(ports.projector),
    TWILIO_STANDIN_PORT: String(ports.standIn),
    PUBLIC_BASE_URL: `http://127.0.0.1:${ports.callIngest}`,
    DEMO_SITE: 'off',
    LOG_LEVEL: 'warn',
  };
  // Each clone derives its own run directory, topics and clock, as a user's would.
  for (const inherited of ['CALLPOOL_RUN_DIR', 'CALL_INGEST_DATA_DIR', 'CALLPOOL_TOPIC_PREFIX', 'TWILIO_API_URL'])
    delete env[inherited];
  return env;
}

function npmRun(clone: string, script: 'up' | 'down') {
  const run = spawnSync(process.execPath, [`scripts/${script}.mjs`], {
    cwd: clone,
    env: stackEnv(),
    encoding: 'utf8',
    timeout: 240_000,
  });
  const output = `${run.stdout}\n${run.stderr}`;
  // A failing step shows what the script said, and what the services logged.
  if (run.status !== 0) throw new Error(`npm run ${script} exited ${run.status}:\n${output}\n${serviceLogs(clone)}`);
  return output;
}

/**
 * One request on a connection of its own: the first clone's allocator answered on the same port, and a
 * pooled keep-alive connection to it (as fetch keeps) would be dead by now.
 */
function send(method: string, path: string, body: unknown, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; body: unknown }>((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = request(
      {
        host: '127.0.0.1',
        port: ports.allocator,
        method,
        path,
        agent: false,
        headers: { ...headers, 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function displayOnce(listingId: string, visitorId: string) {
  const listing = await send(
    'PUT',
    `/v1/listings/${listingId}`,
    { dealerId: 'D-clone', forwardTo: '+15557654321', tier: 'premium' },
    { authorization: `Bearer ${adminToken}` },
  );
  expect(listing.status).toBe(200);
  const display = await send('POST', '/v1/displays', {
    visitorId,
    sessionId: `${visitorId}-s1`,
    listingId,
    context: { source: 'direct' },
  });
  expect(display.status).toBe(200);
  return display.body as { number: string; pool: string };
}

async function projectedDisplays(): Promise<string[]> {
  const client = new Client({ connectionString: sharedDatabase });
  await client.connect();
  try {
    const rows = await client.query<{ visitor_id: string }>(
      'SELECT visitor_id FROM callpool.displays ORDER BY visitor_id',
    );
    return rows.rows.map((row) => row.visitor_id);
  } catch {
    return [];
  } finally {
    await client.end();
  }
}

const clones: string[] = [];

/** What the services of a clone said, for a failure message (Kafka's own connection chatter left out). */
function serviceLogs(clone: string): string {
  const runDir = join(clone, '.data/run');
  return ['allocator', 'call-ingest', 'projector']
    .map((service) => {
      let text = '';
      try {
        text = readFileSync(join(runDir, `${service}.log`), 'utf8');
      } catch {
        return `${service}: no log`;
      }
      const lines = text.split('\n').filter((line) => line && !line.includes('"kafka":"Connection"'));
      return `--- ${service}.log\n${lines.slice(-15).join('\n')}`;
    })
    .join('\n');
}

async function withLogs<T>(clone: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    (error as Error).message += `\n${serviceLogs(clone)}`;
    throw error;
  }
}

afterAll(async () => {
  // Whatever happened, leave no broker or service of this spec running.
  for (const clone of clones) {
    try {
      npmRun(clone, 'down');
    } catch {
      // already down
    }
  }
  await dropDatabase(sharedDatabase);
  if (!process.env.E2E_KEEP_LOGS) rmSync(workspace, { recursive: true, force: true });
});

it('npm run up works from a second clone on the same machine after the first one ran', async () => {
  const first = cloneWorkingTree(join(workspace, 'first'));
  clones.push(first);
  const firstUp = npmRun(first, 'up');
  expect(firstUp).toContain('bringing the stack up');
  expect((await withLogs(first, () => displayOnce('L-first', 'v-first'))).pool).toBe('session');
  await waitFor(async () => ((await projectedDisplays()).includes('v-first') ? true : undefined), {
    what: "the first clone's display in Postgres",
    timeoutMs: 60_000,
  });
  npmRun(first, 'down');

  // Same commit, same machine, same database; its own (empty) Kafka log.
  const second = cloneWorkingTree(join(workspace, 'second'));
  clones.push(second);
  npmRun(second, 'up');
  expect((await withLogs(second, () => displayOnce('L-second', 'v-second'))).pool).toBe('session');
  // The projection now follows the second clone's log: its display, and not the first clone's.
  await waitFor(async () => ((await projectedDisplays()).join(',') === 'v-second' ? true : undefined), {
    what: "the projection rebuilt from the second clone's log",
    timeoutMs: 60_000,
  });
  npmRun(second, 'down');
}, 600_000);
