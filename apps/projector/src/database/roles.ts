import { DataSource } from 'typeorm';
import { ANALYST_ROLE } from '../migrations/1767000000003-analyst-role';
import { quoteIdent } from './connection';

/** What analysts may read: the contract's relations (CONTRACT.md, Postgres) and the rollups added for them. */
export const ANALYST_RELATIONS = [
  'tracking_numbers',
  'number_assignments',
  'visitor_sessions',
  'page_views',
  'calls',
  'listing_performance',
  'pool_health',
  'dead_letters',
  'webhook_deliveries',
  'listing_daily',
  'dealer_daily',
];

/**
 * The projector's own role: it owns the schema and everything in it, and the
 * projection and the webhook deliveries run as it (`SET ROLE` at connect), so
 * a bug or an injected statement cannot reach beyond the schema. DATABASE_URL's
 * user (a superuser in development) only bootstraps: roles, migrations, and
 * handing the objects over. Answers the role to run as, or null when it cannot
 * be made (then everything runs as DATABASE_URL's user, with a warning).
 */
export async function ensureOwnerRole(db: DataSource, role: string, warn: (m: string) => void): Promise<string | null> {
  const [me] = await db.query(
    `SELECT current_user AS name, rolsuper AS superuser, rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user`,
  );
  if (me.name === role) return null;
  const exists = (await db.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [role])).length > 0;
  if (!exists && !me.may) {
    warn(`${role} NOT created: database user ${me.name} lacks CREATEROLE; the projector runs as ${me.name}`);
    return null;
  }
  // Concurrent starts (tests, a rebuild beside a projector) may both create it: duplicate_object is success.
  if (!exists) await db.query(tolerant(`CREATE ROLE ${quoteIdent(role)} NOLOGIN`));
  if (!me.superuser) await db.query(tolerant(`GRANT ${quoteIdent(role)} TO ${quoteIdent(me.name)}`));
  const [{ database }] = await db.query(`SELECT current_database() AS database`);
  await db.query(`GRANT CONNECT ON DATABASE ${quoteIdent(database)} TO ${quoteIdent(role)}`);
  return role;
}

/** Gives the schema and its relations to the owner role (objects made by migrations, or by older releases). */
export async function handOverSchema(db: DataSource, schema: string, role: string): Promise<void> {
  await db.query(`ALTER SCHEMA ${quoteIdent(schema)} OWNER TO ${quoteIdent(role)}`);
  const owned = await db.query(
    `SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = $1 AND c.relkind IN ('r', 'p', 'v', 'm') AND pg_get_userbyid(c.relowner) <> $2`,
    [schema, role],
  );
  // Sequences of serial columns follow their tables.
  const kinds: Record<string, string> = { r: 'TABLE', p: 'TABLE', v: 'VIEW', m: 'MATERIALIZED VIEW' };
  for (const { relname, relkind } of owned)
    await db.query(`ALTER ${kinds[relkind]} ${quoteIdent(schema)}.${quoteIdent(relname)} OWNER TO ${quoteIdent(role)}`);
}

/**
 * Exactly the analyst relations, re-applied at every start: what an older
 * release granted (every table, bookkeeping included) is taken back, and a
 * relation added later is not readable until it is listed here.
 */
export async function grantAnalyst(db: DataSource, schema: string, owner: string | null): Promise<void> {
  if ((await db.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [ANALYST_ROLE])).length === 0) return;
  const s = quoteIdent(schema);
  const analyst = quoteIdent(ANALYST_ROLE);
  await db.query(`REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${analyst}`);
  for (const creator of new Set(['CURRENT_USER', ...(owner ? [quoteIdent(owner)] : [])]))
    await db.query(`ALTER DEFAULT PRIVILEGES FOR ROLE ${creator} IN SCHEMA ${s} REVOKE ALL ON TABLES FROM ${analyst}`);
  await db.query(`GRANT USAGE ON SCHEMA ${s} TO ${analyst}`);
  const existing = await db.query(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = ANY($2)`,
    [schema, ANALYST_RELATIONS],
  );
  for (const { relname } of existing) await db.query(`GRANT SELECT ON ${s}.${quoteIdent(relname)} TO ${analyst}`);
}

function tolerant(statement: string): string {
  const literal = `'${statement.replace(/'/g, "''")}'`;
  return `DO $tolerant$ BEGIN EXECUTE ${literal}; EXCEPTION WHEN duplicate_object THEN NULL; END $tolerant$`;
}
