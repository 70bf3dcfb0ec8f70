import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `processed_events` is trimmed by event time (the dedupe horizon,
 * PROJECTOR_DEDUPE_DAYS), and the manual clock reads its newest event time at
 * start: both want the ids ordered by `occurred_at`.
 */
export class ProcessedEventsByTime1767000000005 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX IF NOT EXISTS processed_events_occurred_at ON processed_events (occurred_at)');
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS processed_events_occurred_at');
  }
}
