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
  if (rows.length === 0) return;
  const names = sql.columns.split(',').map((column) => column.trim().split(/\s+/)[0]);
  await db.query(
    `INSERT INTO ${sql.table} AS t (${names.join(', ')})
     SELECT ${names.join(', ')} FROM jsonb_to_recordset($1::jsonb) AS r(${sql.columns})
     ${sql.conflict}`,
    [toJson(rows)],
  );
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
