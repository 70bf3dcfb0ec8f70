import { execFile } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CallDriver } from '@callpool/call-driver';
import { CallpoolClient } from '@callpool/client';
import { waitFor } from '@callpool/testing';
import { E2eStack, isAlive } from './support/stack';

/**
 * The walking skeleton, the way a newcomer meets it: `npm run up`, a listing
 * and displays over HTTP, a call through the Twilio webhooks, the rows in
 * Postgres, then `npm run down` leaving none of our processes behind. Own
 * ports, run dir, topic prefix and database, so it never meets another stack.
 */
const run = promisify(execFile);
const root = join(__dirname, '../..');
const stack = new E2eStack('e2e_stack', 13000, { POOL_FLOOR: '5' });
const env = stack.env as Record<string, string>;
const allocator = stack.url.allocator;
const admin = { authorization: `Bearer ${env.CALLPOOL_ADMIN_TOKEN}`, 'content-type': 'application/json' };
const json = { 'content-type': 'application/json' };
const api = new CallpoolClient({ baseUrl: allocator, adminToken: env.CALLPOOL_ADMIN_TOKEN, timeoutMs: 10_000 });
const query = <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => stack.query<T>(sql, params);

function ourPids(): number[] {
  if (!existsSync(env.CALLPOOL_RUN_DIR)) return [];
  return readdirSync(env.CALLPOOL_RUN_DIR)
    .filter((file) => file.endsWith('.pid'))
    .map((file) => Number(readFileSync(join(env.CALLPOOL_RUN_DIR, file), 'utf8')));
}

let pidsWhileUp: number[] = [];

beforeAll(async () => {
  await stack.up();
  pidsWhileUp = ourPids();
}, 180000);

afterAll(() => stack.down(), 90000);

it('answers health on every service once `npm run up` returns', async () => {
  expect(pidsWhileUp).toHaveLength(5); // stand-in, three services, demo site
  for (const service of Object.values(stack.url)) {
    const response = await fetch(`${service}/health`);
    expect(response.status).toBe(200);
  }
});

it('guards the listing endpoints and validates displays', async () => {
  const listing = { dealerId: 'D-e2e', forwardTo: '+15557654321', tier: 'premium' };
  const anonymous = await fetch(`${allocator}/v1/listings/L-e2e`, {
    method: 'PUT',
    headers: json,
    body: JSON.stringify(listing),
  });
  expect(anonymous.status).toBe(401);
  const badPhone = await fetch(`${allocator}/v1/listings/L-e2e`, {
    method: 'PUT',
    headers: admin,
    body: JSON.stringify({ ...listing, forwardTo: '555-1234' }),
  });
  expect(badPhone.status).toBe(400);
  const malformed = await fetch(`${allocator}/v1/displays`, { method: 'POST', headers: json, body: '{"visitorId": ' });
  expect(malformed.status).toBe(400);
  expect(((await malformed.json()) as { error: { code: string } }).error.code).toEqual(expect.any(String));
  const tooLong = await fetch(`${allocator}/v1/displays`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ visitorId: 'v'.repeat(129), sessionId: 's', listingId: 'L-e2e' }),
  });
  expect(tooLong.status).toBe(400);
});

it("takes a listing, a display and a call through Kafka into the analysts' tables", async () => {
  const listing = { dealerId: 'D-e2e', forwardTo: '+15557654321', tier: 'premium' } as const;
  expect(await api.listings.put('L-e2e', listing)).toMatchObject({ listingId: 'L-e2e', ...listing });
  const display = {
    visitorId: 'v-e2e',
    sessionId: 's-e2e',
    listingId: 'L-e2e',
    context: { source: 'google', searchTerm: 'used civic' },
  };
  const shown = await waitFor(
    async () => {
      const body = await api.displays(display);
      return body.pool === 'session' ? body : undefined;
    },
    { what: 'a Pool 1 number (the pool tops up from the stand-in first)' },
  );
  const again = await api.displays(display);
  expect(again.number).toBe(shown.number);

  const rows = await waitFor(
    async () => {
      const [number] = await query<{ state: string; pool: number; visitor_id: string }>(
        'select state, pool, visitor_id from tracking_numbers where number = $1',
        [shown.number],
      );
      return number?.state === 'displayed' ? number : undefined;
    },
    { what: 'the display in tracking_numbers', timeoutMs: 30000 },
  );
  expect(rows).toEqual({ state: 'displayed', pool: 1, visitor_id: 'v-e2e' });
  const [assignment] = await query('select listing_id, pool, ended_at from number_assignments where number = $1', [
    shown.number,
  ]);
  expect(assignment).toEqual({ listing_id: 'L-e2e', pool: 1, ended_at: null });
  const [session] = await query('select visitor_id, source, search_term from visitor_sessions where session_id = $1', [
    's-e2e',
  ]);
  expect(session).toEqual({ visitor_id: 'v-e2e', source: 'google', search_term: 'used civic' });

  // The display happened SESSION_IDLE_SECONDS (600 by default) before the session's expiry it answered.
  await stack.callIngestHasSeen(new Date(Date.parse(again.expiresAt) - 600_000).toISOString());
  const driver = new CallDriver({ baseUrl: stack.url.callIngest, authToken: env.TWILIO_AUTH_TOKEN });
  const placed = await driver.fullCall({ from: '+15551110000', to: shown.number, answered: true, durationS: 42 });
  expect(placed.dial?.number).toBe('+15557654321');
  const call = await waitFor(
    async () => {
      const [row] = await query<Record<string, unknown>>(
        'select visitor_id, listing_id, attribution, answered, status from calls where call_sid = $1',
        [placed.callSid],
      );
      return row?.status ? row : undefined;
    },
    { what: 'the call in calls', timeoutMs: 30000 },
  );
  expect(call).toEqual({
    visitor_id: 'v-e2e',
    listing_id: 'L-e2e',
    attribution: 'visitor',
    answered: true,
    status: 'completed',
  });
});

it('`npm run down` stops every process `npm run up` started', async () => {
  await run('npm', ['run', 'down'], { cwd: root, env, timeout: 60000 });
  expect(pidsWhileUp.filter(isAlive)).toEqual([]);
  const refused = await fetch(`${allocator}/health`).then(
    () => 'answered',
    () => 'refused',
  );
  expect(refused).toBe('refused');
}, 90000);
