import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * v3, the caller menu: how each call's attribution was settled (`resolved_by`)
 * and among how many candidates (`candidates`), and the caller's choice
 * (`CallResolved`) kept beside what was answered first. `calls` gains the two
 * contract columns at its end (CREATE OR REPLACE keeps the view's grants and
 * dependants). Calls projected before v3 get `resolved_by` from what they
 * recorded: the holder's state, or `none`. The caller index serves repeat
 * callers (analysts, and the caller-ID rule's audit).
 */
export class CallResolution1767000000006 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const column of ['resolved_by text', 'candidates integer', 'menu_digit text', 'resolved_at timestamptz'])
      await runner.query(`ALTER TABLE call_records ADD COLUMN IF NOT EXISTS ${column}`);
    await runner.query('CREATE INDEX IF NOT EXISTS call_records_caller ON call_records (caller)');
    await runner.query(calls);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX IF EXISTS call_records_caller');
  }
}

const calls = `
CREATE OR REPLACE VIEW calls AS
SELECT c.call_sid, c.tracking_number, c.caller, c.started_at, c.status, c.duration_s, c.answered,
       c.listing_id, c.dealer_id, c.visitor_id, c.session_id, c.attribution, c.confidence,
       ctx.source, ctx.search_term, ctx.referrer, ctx.landing_page,
       ctx.demographics, ctx.session_id AS context_session_id,
       c.holder_state, c.routed_to, c.dial_status, c.dial_duration_s, c.completed_at,
       COALESCE(c.resolved_by, CASE
         WHEN c.attribution = 'none' THEN 'none'
         WHEN c.holder_state IN ('displayed', 'locked', 'listing') THEN 'holder'
         ELSE 'last_holder' END) AS resolved_by,
       COALESCE(c.candidates, CASE WHEN c.attribution = 'visitor' THEN 1 ELSE 0 END) AS candidates,
       c.menu_digit, c.resolved_at
FROM call_records c
LEFT JOIN LATERAL (
  SELECT s.session_id, s.source, s.search_term, s.referrer, s.landing_page, s.demographics
  FROM sessions s
  WHERE (c.session_id IS NOT NULL AND s.session_id = c.session_id)
     OR (c.session_id IS NULL AND s.visitor_id = c.visitor_id AND s.started_at <= c.started_at)
  ORDER BY s.started_at DESC
  LIMIT 1
) ctx ON true
WHERE c.started_at IS NOT NULL`;
