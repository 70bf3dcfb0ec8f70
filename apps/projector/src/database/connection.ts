import { Client, Pool } from 'pg';

/**
 * Every projector connection names its schema in search_path, so the same SQL
 * writes the live schema or a rebuild's fresh one, and a schema swap (a rename)
 * is followed by the next statement without reconnecting.
 */
export function createSchemaPool(databaseUrl: string, schema: string, max = 4, role: string | null = null): Pool {
  return new Pool({
    connectionString: databaseUrl,
    max,
    // `role` makes every statement run as the projector's owner role (database/roles.ts).
    options: `-c search_path=${schema},public${role ? ` -c role=${role}` : ''}`,
    application_name: 'callpool-projector',
  });
}

/** Creates the database named in the URL when missing, through the `postgres` maintenance database. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  const client = new Client({ connectionString: maintenance.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    // Two processes racing to create it: the loser sees duplicate_database.
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The same database as `databaseUrl`, logging in as `user` (the analyst role, for the dashboard). */
export function urlAs(databaseUrl: string, user: string, password: string | undefined): string {
  const url = new URL(databaseUrl);
  url.username = encodeURIComponent(user);
  url.password = password ? encodeURIComponent(password) : '';
  return url.toString();
}
