import { Client } from 'pg';
import { quoteIdent } from '../database/connection';

/**
 * Swaps the rebuilt schema in under the live name in one transaction. The
 * exclusive lock on the live offsets table waits for a live projector's batch
 * in flight (each batch holds a row lock there until it commits) and holds off
 * the next one, so no batch straddles the swap; that batch then sees another
 * generation and restarts from the new schema's offsets. Views and grants live
 * inside the schema, so they move with it. Readers are never blocked: a rename
 * takes no lock on the tables they read.
 */
export async function swapSchemas(databaseUrl: string, live: string, rebuilt: string): Promise<string | null> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await schemaExists(client, live);
    const retired = exists ? `${live}_retired_${Date.now().toString(36)}` : null;
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '30s'`);
    if (retired) {
      await client.query(`LOCK TABLE ${quoteIdent(live)}.projector_offsets IN EXCLUSIVE MODE`);
      await carryDeliveries(client, live, rebuilt);
      await client.query(`ALTER SCHEMA ${quoteIdent(live)} RENAME TO ${quoteIdent(retired)}`);
    }
    await client.query(`ALTER SCHEMA ${quoteIdent(rebuilt)} RENAME TO ${quoteIdent(live)}`);
    await client.query('COMMIT');
    return retired;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

/**
 * Dealer notifications are the one thing a replay cannot know: what the
 * dealers' servers already answered. The rebuilt schema enqueued every
 * completed call again; each delivery takes over the live row's state, so
 * a rebuild never notifies a dealer twice.
 */
async function carryDeliveries(client: Client, live: string, rebuilt: string): Promise<void> {
  const found = await client.query(`SELECT to_regclass($1) AS live`, [`${quoteIdent(live)}.webhook_deliveries`]);
  if (!found.rows[0].live) return;
  const columns = [
    'url',
    'attempts',
    'last_status',
    'last_error',
    'next_attempt_at',
    'delivered_at',
    'enqueued_at',
    'gave_up_at',
    'payload',
  ];
  await client.query(
    `UPDATE ${quoteIdent(rebuilt)}.webhook_deliveries r SET ${columns.map((c) => `${c} = l.${c}`).join(', ')}
     FROM ${quoteIdent(live)}.webhook_deliveries l WHERE l.call_sid = r.call_sid`,
  );
}

/**
 * Dropped in its own transaction: an analyst's long query on the old tables
 * may hold it up, and it must not hold up the swap (or, queued behind it,
 * every new query). Gives up after a few tries, leaving the schema to drop later.
 */
export async function dropRetiredSchema(databaseUrl: string, schema: string, attempts = 5): Promise<boolean> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await client.query(`SET lock_timeout = '2s'`);
        await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
        return true;
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
      }
    }
    return false;
  } finally {
    await client.end();
  }
}

export async function dropSchemaIfExists(databaseUrl: string, schema: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  } finally {
    await client.end();
  }
}

/** The live schema's stored offsets, so the rebuild can catch up with a projector still running. */
export async function liveOffsets(databaseUrl: string, live: string): Promise<Map<string, bigint>> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    if (!(await schemaExists(client, live))) return new Map();
    const rows = await client.query(`SELECT topic, partition, next_offset FROM ${quoteIdent(live)}.projector_offsets`);
    return new Map(rows.rows.map((row) => [`${row.topic}\u0000${row.partition}`, BigInt(row.next_offset)]));
  } finally {
    await client.end();
  }
}

async function schemaExists(client: Client, schema: string): Promise<boolean> {
  const found = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  return (found.rowCount ?? 0) > 0;
}
