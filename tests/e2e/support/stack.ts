import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { databaseUrl, dropDatabase, uniqueName, waitFor } from '@callpool/testing';

const run = promisify(execFile);
const root = join(__dirname, '../../..');

/**
 * A stack of the built services started with `npm run up`, on its own ports,
 * run dir, topic prefix and database, so e2e suites never meet another stack.
 */
export class E2eStack {
  readonly name: string;
  readonly env: NodeJS.ProcessEnv;
  readonly url: { allocator: string; callIngest: string; projector: string; demo: string };

  constructor(label: string, basePort: number, extra: Record<string, string> = {}) {
    this.name = uniqueName(label);
    const port = (offset: number) => String(basePort + offset);
    this.env = {
      ...process.env,
      CALLPOOL_RUN_DIR: join(root, '.data', this.name),
      CALL_INGEST_DATA_DIR: join(root, '.data', this.name, 'call-ingest'),
      CALLPOOL_TOPIC_PREFIX: `${this.name}.`,
      DATABASE_URL: databaseUrl(this.name),
      ALLOCATOR_PORT: port(1),
      CALL_INGEST_PORT: port(2),
      PROJECTOR_PORT: port(3),
      TWILIO_STANDIN_PORT: port(10),
      DEMO_PORT: port(20),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port(2)}`,
      CALLPOOL_ADMIN_TOKEN: 'e2e-admin-token',
      TWILIO_AUTH_TOKEN: 'e2e-twilio-token',
      DIRECTORY_MAIN_LINE: '+15550100999',
      ...extra,
    };
    this.url = {
      allocator: `http://127.0.0.1:${port(1)}`,
      callIngest: `http://127.0.0.1:${port(2)}`,
      projector: `http://127.0.0.1:${port(3)}`,
      demo: `http://127.0.0.1:${port(20)}`,
    };
  }

  async up(): Promise<void> {
    await run('npm', ['run', 'up'], { cwd: root, env: this.env, timeout: 170000 });
  }

  async down(): Promise<void> {
    await run('npm', ['run', 'down'], { cwd: root, env: this.env, timeout: 60000 }).catch(() => undefined);
    await dropDatabase(String(this.env.DATABASE_URL));
    // E2E_KEEP_LOGS=1 keeps the stack's logs (in .data/<name>/) for a post-mortem.
    if (!process.env.E2E_KEEP_LOGS) rmSync(String(this.env.CALLPOOL_RUN_DIR), { recursive: true, force: true });
  }

  /**
   * Waits until call-ingest's routing view has read the allocations up to
   * `occurredAt`: a caller dials only after seeing the number, but a test
   * dials within milliseconds of the display.
   */
  async callIngestHasSeen(occurredAt: string): Promise<void> {
    await waitFor(
      async () => {
        const health = (await http('GET', `${this.url.callIngest}/health`)).body;
        const seen: string | null | undefined = health?.dependencies?.['allocations-view']?.newestEventAt;
        return seen && Date.parse(seen) >= Date.parse(occurredAt) ? true : undefined;
      },
      { what: `call-ingest's view to reach ${occurredAt}` },
    );
  }

  async query<T = Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }
}

export interface HttpAnswer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export async function http<T = any>(
  method: string,
  url: string,
  body?: unknown,
  token?: string,
): Promise<HttpAnswer<T>> {
  const headers: Record<string, string> = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: response.status, body: parsed as T, headers: response.headers };
}

/** Whether a process of that pid is still there (signal 0 checks without signalling). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
