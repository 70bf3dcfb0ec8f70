import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Dealer notifications. `dealer_webhooks` is the projection of
 * DealerWebhookConfigured (its secret still sealed; not granted to analysts);
 * `webhook_deliveries` (a contract relation) is the durable queue and log of
 * deliveries: one row per completed call of a dealer with a webhook.
 */
export class DealerWebhooks1767000000021 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query(`CREATE TABLE dealer_webhooks (
      dealer_id text PRIMARY KEY, webhook_url text NOT NULL, sealed_secret text NOT NULL,
      configured_at timestamptz NOT NULL, first_configured_at timestamptz NOT NULL)`);
    await runner.query(`CREATE TABLE webhook_deliveries (
      call_sid text PRIMARY KEY, dealer_id text NOT NULL, url text NOT NULL,
      attempts integer NOT NULL DEFAULT 0, last_status integer, last_error text,
      next_attempt_at timestamptz, delivered_at timestamptz,
      enqueued_at timestamptz NOT NULL DEFAULT now(), gave_up_at timestamptz, payload jsonb NOT NULL)`);
    await runner.query(`CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
      WHERE delivered_at IS NULL AND gave_up_at IS NULL`);
    await runner.query(`CREATE INDEX webhook_deliveries_dealer ON webhook_deliveries (dealer_id, enqueued_at)`);
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE IF EXISTS webhook_deliveries');
    await runner.query('DROP TABLE IF EXISTS dealer_webhooks');
  }
}
