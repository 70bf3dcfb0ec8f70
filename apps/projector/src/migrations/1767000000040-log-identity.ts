import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Which log a projection was read from: beside each partition's offset, the
 * offset and identity (event id) of the first record projected from it. At
 * start the projector looks that record up in the log it is pointed at
 * (consumer/log-identity.ts): another record there means another log (a second
 * checkout's broker, a reset broker, recreated topics), and the projection is
 * rebuilt; the same record with the log ending short means the log lost its tail.
 * Rows projected before this migration have no identity and keep the old rule.
 */
export class LogIdentity1767000000040 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE projector_offsets ADD COLUMN IF NOT EXISTS first_offset bigint');
    await runner.query('ALTER TABLE projector_offsets ADD COLUMN IF NOT EXISTS first_record text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE projector_offsets DROP COLUMN IF EXISTS first_record');
    await runner.query('ALTER TABLE projector_offsets DROP COLUMN IF EXISTS first_offset');
  }
}
