import { PoolClient } from 'pg';

export type Db = Pick<PoolClient, 'query'>;

/**
 * Multi-row writes in one statement: the rows travel as one JSON array and
 * `jsonb_to_recordset` turns them back into typed columns. `columns` is the
 * column list with types, e.g. `event_id text, viewed_at timestamptz`.
 */
export async function writeRows(
  db: Db,
  sql: { table: string; columns: string; conflict: string },
  rows: object[],
): Promise<void> {
  await writeRowsReturning(db, sql, rows, '');
}

/** The same, answering the rows the statement wrote (`returning`: a RETURNING list, e.g. `t.event_id`). */
export async function writeRowsReturning<T = Record<string, unknown>>(
  db: Db,
  sql: { table: string; columns: string; conflict: string },
  rows: object[],
  returning: string,
): Promise<T[]> {
  if (rows.length === 0) return [];
  const names = sql.columns.split(',').map((column) => column.trim().split(/\s+/)[0]);
  const result = await db.query(
    `INSERT INTO ${sql.table} AS t (${names.join(', ')})
     SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${sql.columns})
     ${sql.conflict} ${returning ? `RETURNING ${returning}` : ''}`,
    [toJson(rows)],
  );
  return result.rows as T[];
}

/** Postgres text cannot hold NUL; one in a payload must not stall the projector on a batch it can never write. */
export function toJson(rows: object[]): string {
  return JSON.stringify(rows, (_key, value) =>
    typeof value === 'string' ? value.split(String.fromCharCode(0)).join('') : value,
  );
}

/** Postgres gives timestamptz back as Date; the folds work on ISO strings like the events. */
export function iso(value: Date | string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value.toISOString() : value;
}
