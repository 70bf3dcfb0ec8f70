import { DataSource } from 'typeorm';
import { ProjectionTables1767000000001 } from '../migrations/1767000000001-projection-tables';
import { AnalystViews1767000000002 } from '../migrations/1767000000002-analyst-views';
import { analystRoleMigration, AnalystRoleSettings, ensureRole } from '../migrations/1767000000003-analyst-role';
import { DisplayOverflowReason1767000000004 } from '../migrations/1767000000004-display-overflow-reason';
import { ProcessedEventsByTime1767000000005 } from '../migrations/1767000000005-processed-events-by-time';
import { CallResolution1767000000006 } from '../migrations/1767000000006-call-resolution';
import { DeadLettersV31767000000010 } from '../migrations/1767000000010-dead-letters-v3';
import { Rollups1767000000020 } from '../migrations/1767000000020-rollups';
import { DealerWebhooks1767000000021 } from '../migrations/1767000000021-dealer-webhooks';
import { LogIdentity1767000000040 } from '../migrations/1767000000040-log-identity';
import { PoolCheckpoints1767000000070 } from '../migrations/1767000000070-pool-checkpoints';
import { quoteIdent } from './connection';
import { ensureOwnerRole, grantAnalyst, handOverSchema } from './roles';

export interface MigrationTarget extends AnalystRoleSettings {
  databaseUrl: string;
  /** Where to build: the live schema, or a rebuild's fresh one. */
  schema: string;
  /** The role the projector runs as and that owns the schema (PROJECTOR_DB_ROLE). */
  ownerRole: string;
}

/**
 * Runs the projector's migrations into `schema` (created if missing). The
 * migrations table lives in that schema too, so a rebuilt schema carries its
 * own history through the swap.
 */
export async function migrateSchema(
  target: MigrationTarget,
  { releasedUpTo }: { releasedUpTo?: number } = {},
): Promise<{ applied: string[]; runAs: string | null }> {
  const migrations = [
    ProjectionTables1767000000001,
    AnalystViews1767000000002,
    analystRoleMigration(target),
    DisplayOverflowReason1767000000004,
    ProcessedEventsByTime1767000000005,
    CallResolution1767000000006,
    DeadLettersV31767000000010,
    Rollups1767000000020,
    DealerWebhooks1767000000021,
    LogIdentity1767000000040,
    PoolCheckpoints1767000000070,
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
    if (releasedUpTo !== undefined) return { applied: applied.map((migration) => migration.name), runAs: null };
    const runAs = await ensureOwnerRole(dataSource, target.ownerRole, target.warn);
    if (runAs) await handOverSchema(dataSource, target.schema, runAs);
    await grantAnalyst(dataSource, target.schema, runAs);
    return { applied: applied.map((migration) => migration.name), runAs };
  } finally {
    await dataSource.destroy();
  }
}
