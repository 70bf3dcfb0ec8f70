import { CallpoolEvent, EventOf } from '@callpool/contracts';
import { Db, toJson } from './sql';

/**
 * dealer_webhooks, and the deliveries a configuration makes due: calls of the
 * dealer that completed after its first configuration but were projected
 * before it (the calls topic may run ahead of the allocations topic).
 */
export async function projectDealers(db: Db, events: CallpoolEvent[]): Promise<void> {
  const latest = new Map<string, EventOf<'DealerWebhookConfigured'>>();
  for (const event of events)
    if (event.type === 'DealerWebhookConfigured') {
      const seen = latest.get(event.data.dealerId);
      if (!seen || Date.parse(seen.occurredAt) <= Date.parse(event.occurredAt)) latest.set(event.data.dealerId, event);
    }
  const dealers = [...latest.keys()];
  if (dealers.length === 0) return;
  await lockDealers(db, dealers);
  const rows = [...latest.values()].map((e) => ({
    dealer_id: e.data.dealerId,
    webhook_url: e.data.webhookUrl,
    sealed_secret: e.data.sealedSecret,
    configured_at: e.occurredAt,
  }));
  await db.query(
    `INSERT INTO dealer_webhooks AS t (dealer_id, webhook_url, sealed_secret, configured_at, first_configured_at)
     SELECT dealer_id, webhook_url, sealed_secret, configured_at, configured_at
     FROM jsonb_to_recordset($1::jsonb) AS r(dealer_id text, webhook_url text, sealed_secret text, configured_at timestamptz)
     ON CONFLICT (dealer_id) DO UPDATE SET
       webhook_url = CASE WHEN excluded.configured_at >= t.configured_at THEN excluded.webhook_url ELSE t.webhook_url END,
       sealed_secret = CASE WHEN excluded.configured_at >= t.configured_at THEN excluded.sealed_secret ELSE t.sealed_secret END,
       configured_at = GREATEST(t.configured_at, excluded.configured_at),
       first_configured_at = LEAST(t.first_configured_at, excluded.first_configured_at)`,
    [toJson(rows)],
  );
  await enqueueDeliveries(db, 'c.dealer_id = ANY($1)', [dealers]);
}

/**
 * Enqueues the completed calls matched by `where` whose dealer has a webhook
 * configured no later than the call completed. Once per call (call_sid is the
 * key), whatever order the two topics were projected in.
 */
export async function enqueueDeliveries(db: Db, where: string, params: unknown[]): Promise<void> {
  await db.query(
    `INSERT INTO webhook_deliveries (call_sid, dealer_id, url, next_attempt_at, payload)
     SELECT c.call_sid, c.dealer_id, w.webhook_url, now(),
            to_jsonb(c) - ARRAY['holder_state', 'routed_to', 'dial_status', 'dial_duration_s', 'context_session_id']
     FROM calls c JOIN dealer_webhooks w ON w.dealer_id = c.dealer_id AND w.first_configured_at <= c.completed_at
     WHERE ${where}
     ORDER BY c.call_sid
     ON CONFLICT (call_sid) DO NOTHING`,
    params,
  );
}

/**
 * A call completing and its dealer's configuration arrive on two topics
 * projected concurrently: each side takes the dealer's lock before looking
 * for the other, so neither misses the other.
 */
export async function lockDealers(db: Db, dealerIds: string[]): Promise<void> {
  await db.query(
    `SELECT pg_advisory_xact_lock(k) FROM (
       SELECT DISTINCT hashtextextended('callpool.dealer:' || id, 0) AS k FROM unnest($1::text[]) AS id ORDER BY 1) keys`,
    [dealerIds],
  );
}
