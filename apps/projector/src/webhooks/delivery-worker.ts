import { Pool } from 'pg';
import { openSecret } from '@callpool/service-kit';
import { BackoffPolicy, nextAttemptAt } from './backoff';
import { signDelivery } from './signature';

export interface DeliveryWorkerOptions {
  pool: Pool;
  key: string;
  policy: BackoffPolicy;
  pollMs: number;
  timeoutMs: number;
  /** Deliveries sent at once per poll. */
  batch?: number;
  warn(message: string): void;
}

interface DueDelivery {
  call_sid: string;
  attempts: number;
  enqueued_at: Date;
  payload: Record<string, unknown>;
  webhook_url: string;
  sealed_secret: string;
}

/** A sent delivery not answered within this long may be taken again (by this or another projector). */
const LEASE = '5 minutes';

/**
 * Sends due rows of webhook_deliveries. Each row is claimed with a lease
 * (next_attempt_at pushed out, SKIP LOCKED) before the POST, so two projectors
 * never send the same delivery at once, and one that dies mid-POST leaves the
 * row to be retried when the lease ends: at least once, with call_sid as the
 * receiver's idempotency key. Times are the wall clock (Postgres now()), also
 * under CALLPOOL_CLOCK=manual: retries are about the dealer's real server.
 */
export class DeliveryWorker {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = false;

  constructor(private readonly options: DeliveryWorkerOptions) {}

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.running = this.deliverDue()
        .then(() => undefined)
        .catch((error: Error) => this.options.warn(`webhook deliveries: ${error.message}`))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.options.pollMs);
        });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: claims what is due and sends it; answers how many were sent. */
  async deliverDue(): Promise<number> {
    const due = await this.claim();
    await Promise.all(due.map((delivery) => this.send(delivery)));
    return due.length;
  }

  private async claim(): Promise<DueDelivery[]> {
    const result = await this.options.pool.query<DueDelivery>(
      `UPDATE webhook_deliveries d
       SET attempts = d.attempts + 1, next_attempt_at = now() + interval '${LEASE}', url = w.webhook_url
       FROM dealer_webhooks w
       WHERE w.dealer_id = d.dealer_id AND d.call_sid IN (
         SELECT call_sid FROM webhook_deliveries
         WHERE delivered_at IS NULL AND gave_up_at IS NULL AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING d.call_sid, d.attempts, d.enqueued_at, d.payload, w.webhook_url, w.sealed_secret`,
      [this.options.batch ?? 20],
    );
    return result.rows;
  }

  private async send(delivery: DueDelivery): Promise<void> {
    let status: number | null = null;
    let error: string | null = null;
    try {
      const body = JSON.stringify(delivery.payload);
      const secret = openSecret(delivery.sealed_secret, this.options.key);
      const response = await fetch(delivery.webhook_url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          'User-Agent': 'callpool-webhooks/1',
          'Idempotency-Key': delivery.call_sid,
          'X-Callpool-Signature': signDelivery(secret, body, Math.floor(Date.now() / 1000)),
        },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (!response.ok) error = `HTTP ${response.status}`;
    } catch (failure) {
      // fetch says only "fetch failed"; the cause names the network error (ECONNREFUSED, a timeout, ...).
      const cause = (failure as { cause?: { code?: string; message?: string } }).cause;
      error = [(failure as Error).message, cause?.code ?? cause?.message].filter(Boolean).join(': ');
    }
    await this.record(delivery, status, error);
  }

  private async record(delivery: DueDelivery, status: number | null, error: string | null): Promise<void> {
    if (error === null) {
      await this.options.pool.query(
        `UPDATE webhook_deliveries SET delivered_at = now(), next_attempt_at = NULL, last_status = $2, last_error = NULL
         WHERE call_sid = $1`,
        [delivery.call_sid, status],
      );
      return;
    }
    const next = nextAttemptAt(this.options.policy, delivery.attempts, new Date(delivery.enqueued_at), new Date());
    await this.options.pool.query(
      `UPDATE webhook_deliveries
       SET last_status = $2, last_error = $3, next_attempt_at = $4, gave_up_at = CASE WHEN $4::timestamptz IS NULL THEN now() END
       WHERE call_sid = $1 AND delivered_at IS NULL`,
      [delivery.call_sid, status, error.slice(0, 500), next],
    );
  }
}
