import type { Client } from 'pg';

export interface RollupBenchSize {
  displays: number;
  calls: number;
  listings: number;
  dealers: number;
  visitors: number;
  days: number;
}

const DISPLAYS_PER_SESSION = 5;
const START = `TIMESTAMPTZ '2030-01-01 00:00:00+00'`;

/**
 * Raw projected rows, generated set-based in SQL (no Kafka: what is measured
 * is reading, not projecting): displays in sessions of five, one Pool 1
 * stretch and one cool-down per session on a pool of numbers, a 1-in-200
 * overflow, calls spread over the same days with a third unanswered.
 */
export function generationStatements(size: RollupBenchSize): Array<[string, string]> {
  const sessions = Math.ceil(size.displays / DISPLAYS_PER_SESSION);
  const span = `${size.days} * interval '1 day'`;
  const at = (i: string, n: number) => `${START} + (${i}::float8 / ${n}) * ${span}`;
  return [
    [
      'listings',
      `INSERT INTO listings (listing_id, dealer_id, forward_to, tier, registered_at, updated_at)
       SELECT 'L-' || i, 'D-' || (i % ${size.dealers}), '+1555' || lpad(i::text, 7, '0'), 'premium', ${START}, ${START}
       FROM generate_series(0, ${size.listings - 1}) i`,
    ],
    [
      'displays',
      `INSERT INTO displays (event_id, number, pool, attribution, visitor_id, session_id, listing_id, dealer_id,
         displayed_at, expires_at, assignment_started)
       SELECT 'e' || lpad(i::text, 9, '0'), '+1556' || lpad((i % 20000)::text, 7, '0'),
              CASE WHEN i % 200 = 0 THEN 'overflow' ELSE 'session' END, 'visitor',
              'v-' || ((i / ${DISPLAYS_PER_SESSION}) % ${size.visitors}), 's-' || lpad((i / ${DISPLAYS_PER_SESSION})::text, 8, '0'),
              'L-' || l, 'D-' || (l % ${size.dealers}), t, t + interval '10 minutes', true
       FROM generate_series(0, ${size.displays - 1}) i,
            LATERAL (SELECT ((i::bigint * 7919) % ${size.listings}) AS l, ${at('i', size.displays)} AS t) x`,
    ],
    [
      'sessions',
      `INSERT INTO sessions (session_id, visitor_id, started_at, last_seen_at, last_expired_at, source)
       SELECT 's-' || lpad(s::text, 8, '0'), 'v-' || (s % ${size.visitors}), t, t + interval '4 minutes', t + interval '14 minutes',
              (ARRAY['google', 'facebook', 'direct'])[1 + s % 3]
       FROM generate_series(0, ${sessions - 1}) s, LATERAL (SELECT ${at('s', sessions)} AS t) x`,
    ],
    [
      'number_state_intervals',
      `INSERT INTO number_state_intervals (interval_id, number, state, started_at, ended_at)
       SELECT 'i' || lpad(s::text, 8, '0') || k, '+1556' || lpad((s % 20000)::text, 7, '0'), state, t + a, t + b
       FROM generate_series(0, ${sessions - 1}) s, LATERAL (SELECT ${at('s', sessions)} AS t) x,
            (VALUES (1, 'displayed', interval '0', interval '14 minutes'),
                    (2, 'cooling', interval '14 minutes', interval '134 minutes')) AS p(k, state, a, b)`,
    ],
    [
      'call_records',
      `INSERT INTO call_records (call_sid, tracking_number, caller, started_at, attribution, confidence, visitor_id,
         session_id, listing_id, dealer_id, status, duration_s, completed_at, answered)
       SELECT 'CA' || lpad(c::text, 8, '0'), '+1556' || lpad((c % 20000)::text, 7, '0'), '+1415' || lpad((c % 400000)::text, 7, '0'), t,
              'visitor', 1, 'v-' || ((d / ${DISPLAYS_PER_SESSION}) % ${size.visitors}), 's-' || lpad((d / ${DISPLAYS_PER_SESSION})::text, 8, '0'),
              'L-' || ((d::bigint * 7919) % ${size.listings}), 'D-' || (((d::bigint * 7919) % ${size.listings}) % ${size.dealers}),
              'completed', 30 + c % 300, t + interval '5 minutes', c % 3 <> 0
       FROM generate_series(0, ${size.calls - 1}) c,
            LATERAL (SELECT (c::bigint * ${Math.max(1, Math.floor(size.displays / size.calls))}) AS d) y,
            LATERAL (SELECT ${at('d', size.displays)} + interval '1 minute' AS t) x`,
    ],
  ];
}

const BULK_TABLES = ['displays', 'sessions', 'number_state_intervals', 'call_records', 'listings'];

/**
 * Generation is not what is measured, so it takes the fast road on the
 * benchmark's own throw-away database: tables without WAL, and the secondary
 * indexes dropped during the inserts and built again afterwards (by sorting,
 * instead of ten million random index insertions).
 */
export async function generateRaw(client: Client, size: RollupBenchSize, log: (line: string) => void): Promise<number> {
  const started = Date.now();
  for (const table of BULK_TABLES) await client.query(`ALTER TABLE ${table} SET UNLOGGED`);
  const { rows: indexes } = await client.query(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
    [BULK_TABLES],
  );
  for (const { indexname } of indexes) await client.query(`DROP INDEX ${indexname}`);
  for (const [table, sql] of generationStatements(size)) {
    const t = Date.now();
    const result = await client.query(sql);
    log(`  rollups: ${table}: ${result.rowCount} rows in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  }
  await client.query(`SET maintenance_work_mem = '256MB'`);
  for (const { indexdef } of indexes) await client.query(indexdef);
  log(`  rollups: ${indexes.length} indexes built again`);
  return (Date.now() - started) / 1000;
}
