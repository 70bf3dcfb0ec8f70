import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * dead_letters as CONTRACT.md v3 names it: `error` (was `reason`) and
 * `recorded_at` (was `at`, still the message's Kafka timestamp), plus what the
 * message said it was (`event_id`, `type`; null when it was not an envelope).
 * Rows written before keep their values, with a null id and type (their raw
 * payload still says what they were).
 */
export class DeadLettersV31767000000010 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE dead_letters RENAME COLUMN reason TO error');
    await runner.query('ALTER TABLE dead_letters RENAME COLUMN at TO recorded_at');
    await runner.query('ALTER TABLE dead_letters ADD COLUMN event_id text, ADD COLUMN type text');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE dead_letters DROP COLUMN event_id, DROP COLUMN type');
    await runner.query('ALTER TABLE dead_letters RENAME COLUMN recorded_at TO at');
    await runner.query('ALTER TABLE dead_letters RENAME COLUMN error TO reason');
  }
}
