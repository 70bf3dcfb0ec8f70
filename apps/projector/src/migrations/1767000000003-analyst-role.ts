import { MigrationInterface, QueryRunner } from 'typeorm';
import { quoteIdent } from '../database/connection';

export const ANALYST_ROLE = 'callpool_analyst';

export interface AnalystRoleSettings {
  /** The schema analysts read once swaps are done (PROJECTOR_SCHEMA), not the one being built. */
  liveSchema: string;
  analystPassword?: string;
  warn: (message: string) => void;
}

/**
 * A read-only role for analysts. Roles are cluster-wide, so this must be
 * idempotent (every rebuild runs it again for its fresh schema). A database
 * user without CREATEROLE cannot create it: the migration says so and carries
 * on, because the projection is worth having without it.
 */
export function analystRoleMigration(settings: AnalystRoleSettings): new () => MigrationInterface {
  return class AnalystRole1767000000003 implements MigrationInterface {
    async up(runner: QueryRunner): Promise<void> {
      const searchPath = `"$user", public, ${quoteIdent(settings.liveSchema)}`;
      // Everyone connecting to this database finds the relations without a schema prefix;
      // public stays first so other services' unqualified CREATE TABLEs never land in ours.
      const [{ db }] = await runner.query(`SELECT current_database() AS db`);
      await runner.query(`ALTER DATABASE ${quoteIdent(db)} SET search_path = ${searchPath}`);
      if (!(await ensureRole(runner, settings))) return;
      const [{ schema }] = await runner.query(`SELECT current_schema() AS schema`);
      const role = quoteIdent(ANALYST_ROLE);
      await runner.query(`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${role}`);
      await runner.query(`GRANT SELECT ON ALL TABLES IN SCHEMA ${quoteIdent(schema)} TO ${role}`);
      await runner.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA ${quoteIdent(schema)} GRANT SELECT ON TABLES TO ${role}`);
      // Role settings are cluster-wide rows that concurrent migrations (other databases) may update too.
      await runner.query(tolerant(`ALTER ROLE ${role} SET search_path = ${searchPath}`, 'others'));
      await runner.query(tolerant(`ALTER ROLE ${role} SET default_transaction_read_only = on`, 'others'));
    }

    async down(): Promise<void> {
      // The role may serve other databases of the cluster: never dropped automatically.
    }
  };
}

/** Creates the role or brings its password up to date; false when it does not exist and cannot be made. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Queryable = { query(sql: string, params?: unknown[]): Promise<any> };

export async function ensureRole(runner: Queryable, settings: AnalystRoleSettings): Promise<boolean> {
  const [me] = await runner.query(
    `SELECT current_user AS name, rolsuper OR rolcreaterole AS may FROM pg_roles WHERE rolname = current_user`,
  );
  const exists = (await runner.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [ANALYST_ROLE])).length > 0;
  if (!me?.may) {
    settings.warn(
      exists
        ? `${ANALYST_ROLE}: database user ${me?.name} may not alter roles; its password was left unchanged`
        : `${ANALYST_ROLE} NOT created: database user ${me?.name} lacks CREATEROLE; create it by hand (docs/analytics.md)`,
    );
    return exists;
  }
  if (exists && !settings.analystPassword) return true;
  const verb = exists ? 'ALTER' : 'CREATE';
  const options = settings.analystPassword ? 'LOGIN PASSWORD %L' : 'NOLOGIN';
  // DDL takes no bound parameters: format(%L) quotes the password inside Postgres.
  const [{ sql }] = await runner.query(`SELECT format('${verb} ROLE %I ${options}', $1::text, $2::text) AS sql`, [
    ANALYST_ROLE,
    settings.analystPassword ?? '',
  ]);
  // Another projector may create it at the same moment: duplicate_object means it exists, all we need.
  await runner.query(tolerant(sql, 'duplicate_object'));
  return true;
}

/** Runs one statement in a PL/pgSQL block that turns the named condition into a warning, so a transaction survives it. */
function tolerant(statement: string, condition: 'duplicate_object' | 'others'): string {
  const literal = `'${statement.replace(/'/g, "''")}'`;
  return `DO $tolerant$ BEGIN EXECUTE ${literal}; EXCEPTION WHEN ${condition} THEN RAISE WARNING '%', SQLERRM; END $tolerant$`;
}
