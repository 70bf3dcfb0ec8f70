import type { EventPublisher } from '@callpool/kafka';
import type { Spool } from './spool';

export interface SpoolPublisherOptions {
  topic: string;
  batchSize?: number;
  /** Spool segments are kept this long after publishing (Twilio retries after a restart). */
  retainSeconds: number;
  now: () => Date;
  onError?: (error: Error, attempt: number) => void;
}

export interface PublisherStatus {
  connected: boolean;
  pending: number;
  /** Producers thrown away after repeated failures (see RECREATE_AFTER_FAILURES). */
  producersRecreated: number;
  lastError: string | null;
  /** Wall time of the last failed attempt still unrecovered. */
  failingSince: Date | null;
}

/**
 * Drains the spool to `callpool.calls`, in order, one batch at a time. A batch
 * that fails is sent again unchanged: the idempotent producer then recognises
 * whatever part of it the broker already has (same sequence numbers), so a
 * flaky link gives neither gaps nor duplicates. Only a restart between a send
 * and the cursor write re-sends; consumers drop those by event id.
 *
 * After RECREATE_AFTER_FAILURES failures in a row the producer itself is
 * thrown away and a new one made: a kafkajs producer that lost its broker can
 * stay wedged (stale metadata, a dead idempotent sequence) and fail forever
 * while the broker is back. A new producer may re-send part of a batch the
 * broker already had; consumers drop those by event id.
 */
export const RECREATE_AFTER_FAILURES = 3;

export class SpoolPublisher {
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private wakeOnAppend = false;
  private connected = false;
  private lastError: string | null = null;
  private failingSince: Date | null = null;
  private unsubscribe: (() => void) | null = null;
  private publisher: EventPublisher;
  private recreated = 0;

  constructor(
    private readonly spool: Spool,
    private readonly createPublisher: () => EventPublisher,
    private readonly options: SpoolPublisherOptions,
  ) {
    this.publisher = createPublisher();
  }

  start(): void {
    this.running = true;
    this.unsubscribe = this.spool.onAppended(() => {
      if (this.wakeOnAppend) this.wake?.();
    });
    this.loop = this.run();
  }

  status(): PublisherStatus {
    return {
      connected: this.connected,
      pending: this.spool.pendingCount(),
      producersRecreated: this.recreated,
      lastError: this.lastError,
      failingSince: this.failingSince,
    };
  }

  /** Waits (at most `timeoutMs`) for the spool to empty, unless publishing is failing anyway. */
  async drain(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.spool.pendingCount() > 0 && this.failingSince === null && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
  }

  /** Stops after the batch in flight; whatever is left stays in the spool for the next start. */
  async stop(): Promise<void> {
    this.running = false;
    this.unsubscribe?.();
    this.wake?.();
    await this.loop;
    if (this.connected) await this.publisher.disconnect().catch(() => undefined);
  }

  private async run(): Promise<void> {
    let attempt = 0;
    while (this.running) {
      try {
        const published = await this.publishNextBatch();
        attempt = 0;
        this.lastError = null;
        this.failingSince = null;
        if (!published) await this.sleep(1000, true);
      } catch (error) {
        attempt++;
        this.lastError = (error as Error).message;
        this.failingSince ??= new Date();
        this.options.onError?.(error as Error, attempt);
        if (attempt % RECREATE_AFTER_FAILURES === 0) await this.recreateProducer();
        // Backing off is not cut short by new calls: they wait in the spool like the rest.
        await this.sleep(Math.min(5000, 100 * 2 ** Math.min(attempt, 6)), false);
      }
    }
  }

  private async recreateProducer(): Promise<void> {
    const old = this.publisher;
    this.publisher = this.createPublisher();
    this.connected = false;
    this.recreated++;
    await old.disconnect().catch(() => undefined);
  }

  /** False when there was nothing to publish. */
  private async publishNextBatch(): Promise<boolean> {
    if (!this.connected) {
      await this.publisher.connect();
      this.connected = true;
    }
    const batch = this.spool.pending(this.options.batchSize ?? 500);
    if (batch.length === 0) return false;
    await this.publisher.publish({ topic: this.options.topic, events: batch.map((record) => record.event) });
    const retainAfter = new Date(this.options.now().getTime() - this.options.retainSeconds * 1000);
    await this.spool.markPublished(batch[batch.length - 1].seq, retainAfter);
    return true;
  }

  /** Sleeps until the timeout or stop(), or (when idle) until new records arrive. */
  private sleep(ms: number, wakeOnAppend: boolean): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wake = null;
        this.wakeOnAppend = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wake = done;
      this.wakeOnAppend = wakeOnAppend;
    });
  }
}
