import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  ALL_WINDOWS,
  checkpointTriggers,
  literal,
  POOL_CHECKPOINT_TABLES,
  poolHealthFromCheckpoints,
  recomputeCheckpoints,
  recomputeLevels,
} from '../projection/rollups/pool-checkpoints';
import { poolHealth as poolHealthFromWindows } from './1767000000020-rollups';

/**
 * Hourly checkpoints of pool_health's running sums, so a week of pool_health
 * reads a week of windows instead of summing every window since the first
 * (projection/rollups/pool-checkpoints.ts says how they are kept). The view
 * keeps its columns and meaning; a database projected before them gets them
 * computed once here.
 */
export class PoolCheckpoints1767000000070 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of [...POOL_CHECKPOINT_TABLES, ...checkpointTriggers]) await runner.query(statement);
    for (const sql of [recomputeLevels(ALL_WINDOWS), recomputeCheckpoints(ALL_WINDOWS)])
      await runner.query(`DO $$ BEGIN EXECUTE format(${literal(sql)}, current_schema()); END $$`);
    await runner.query(poolHealthFromCheckpoints);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(poolHealthFromWindows);
    for (const trigger of TRIGGERS) await runner.query(`DROP TRIGGER IF EXISTS ${trigger} ON pool_windows`);
    await runner.query('DROP FUNCTION IF EXISTS pool_checkpoints_lock(), pool_checkpoints_recompute()');
    await runner.query('DROP TABLE IF EXISTS pool_checkpoints, pool_window_levels');
  }
}

const TRIGGERS = ['lock', 'insert', 'update', 'delete', 'truncate'].map((t) => `pool_checkpoints_${t}`);
