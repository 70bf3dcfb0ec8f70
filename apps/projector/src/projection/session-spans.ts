import { WindowDeltas } from './rollups/windows';
import { Db, writeRowsReturning } from './sql';

interface Span {
  session_id: string;
  started_at: Date;
  last_at: Date;
}

const span = 't.session_id, t.started_at, GREATEST(t.last_seen_at, t.last_expired_at) AS last_at';

/**
 * Upserts sessions and moves their spans in pool_health's windows by exactly
 * what changed. Sessions come from two topics projected at once, so the old
 * span is read under a row lock: new sessions are inserted first (a concurrent
 * batch inserting the same one waits for this one and then finds it), the
 * others locked in key order, then merged.
 */
export async function writeSessions(
  db: Db,
  table: { table: string; columns: string; conflict: string },
  rows: Array<{ session_id: string }>,
  windows: WindowDeltas,
): Promise<void> {
  if (rows.length === 0) return;
  const insertOnly = { ...table, conflict: 'ON CONFLICT (session_id) DO NOTHING' };
  const created = await writeRowsReturning<Span>(db, insertOnly, rows, span);
  for (const s of created) windows.session(s.started_at, s.last_at, 1);
  const createdIds = new Set(created.map((s) => s.session_id));
  const existing = rows.filter((row) => !createdIds.has(row.session_id));
  if (existing.length === 0) return;
  const before = await db.query<Span>(
    `SELECT ${span} FROM sessions t WHERE t.session_id = ANY($1::text[]) ORDER BY t.session_id FOR UPDATE`,
    [existing.map((row) => row.session_id)],
  );
  const after = await writeRowsReturning<Span>(db, table, existing, span);
  const old = new Map(before.rows.map((s) => [s.session_id, s]));
  for (const s of after) {
    const was = old.get(s.session_id);
    if (was && was.started_at.getTime() === s.started_at.getTime() && was.last_at.getTime() === s.last_at.getTime())
      continue;
    if (was) windows.session(was.started_at, was.last_at, -1);
    windows.session(s.started_at, s.last_at, 1);
  }
}
