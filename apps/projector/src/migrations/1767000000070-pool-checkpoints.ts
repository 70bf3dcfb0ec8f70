import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  checkpointTriggers,
  extendCheckpoints,
  literal,
  POOL_CHECKPOINTS_TABLE,
  poolHealthFromCheckpoints,
} from '../projection/rollups/pool-checkpoints';
import { poolHealth as poolHealthFromWindows } from './1767000000020-rollups';

/**
 * Hourly checkpoints of pool_health's running sums, so a week of pool_health
 * reads a week of windows instead of summing every window since the first
 * (projection/rollups/pool-checkpoints.ts says how they are kept). The view
 * keeps its columns and meaning; the checkpoints are computed once here for a
 * database projected before them.
 */
export class PoolCheckpoints1767000000070 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(POOL_CHECKPOINTS_TABLE);
    for (const statement of checkpointTriggers) await runner.query(statement);
    await runner.query(`DO $$ BEGIN EXECUTE format(${literal(extendCheckpoints)}, current_schema()); END $$`);
    await runner.query(poolHealthFromCheckpoints);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query(poolHealthFromWindows);
    for (const trigger of TRIGGERS) await runner.query(`DROP TRIGGER IF EXISTS ${trigger} ON pool_windows`);
    await runner.query('DROP FUNCTION IF EXISTS pool_checkpoints_before(), pool_checkpoints_after()');
    await runner.query('DROP TABLE IF EXISTS pool_checkpoints');
  }
}

const TRIGGERS = ['lock', 'insert', 'update', 'delete', 'truncate'].map((t) => `pool_checkpoints_${t}`);
