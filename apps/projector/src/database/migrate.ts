import { DataSource } from 'typeorm';
import { ProjectionTables1767000000001 } from '../migrations/1767000000001-projection-tables';
import { AnalystViews1767000000002 } from '../migrations/1767000000002-analyst-views';
import { analystRoleMigration, AnalystRoleSettings, ensureRole } from '../migrations/1767000000003-analyst-role';
import { DisplayOverflowReason1767000000004 } from '../migrations/1767000000004-display-overflow-reason';
import { ProcessedEventsByTime1767000000005 } from '../migrations/1767000000005-processed-events-by-time';
import { CallResolution1767000000006 } from '../migrations/1767000000006-call-resolution';
import { LogIdentity1767000000040 } from '../migrations/1767000000040-log-identity';
import { quoteIdent } from './connection';

export interface MigrationTarget extends AnalystRoleSettings {
  databaseUrl: string;
  /** Where to build: the live schema, or a rebuild's fresh one. */
  schema: string;
}

/**
 * Runs the projector's migrations into `schema` (created if missing). The
 * migrations table lives in that schema too, so a rebuilt schema carries its
 * own history through the swap.
 */
export async function migrateSchema(
  target: MigrationTarget,
  { releasedUpTo }: { releasedUpTo?: number } = {},
): Promise<string[]> {
  const migrations = [
    ProjectionTables1767000000001,
    AnalystViews1767000000002,
    analystRoleMigration(target),
    DisplayOverflowReason1767000000004,
    ProcessedEventsByTime1767000000005,
    CallResolution1767000000006,
    LogIdentity1767000000040,
  ];
  const dataSource = new DataSource({
    type: 'postgres',
    url: target.databaseUrl,
    schema: target.schema,
    // Raw SQL in the migrations names no schema: search_path puts it in the target.
    extra: { options: `-c search_path=${target.schema},public`, max: 1 },
    // `releasedUpTo` plays an older release (tests of upgrades); applied migrations are never edited.
    migrations: migrations.slice(0, releasedUpTo ?? migrations.length),
    migrationsTableName: 'projector_migrations',
    migrationsTransactionMode: 'each',
    logging: false,
  });
  await dataSource.initialize();
  try {
    await dataSource.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(target.schema)}`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    // A password set (or changed) after the role was made still takes effect on the next start.
    await ensureRole(dataSource, target);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
