import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Why a display answered overflow (`NumberDisplayed.overflowReason`, added to
 * the event after the first release). A migration of its own, never an edit of
 * an applied one: databases that ran 0001 already must gain the column too.
 */
export class DisplayOverflowReason1767000000004 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE displays ADD COLUMN IF NOT EXISTS overflow_reason text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE displays DROP COLUMN IF EXISTS overflow_reason');
  }
}
