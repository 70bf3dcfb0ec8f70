import type { LoggerService } from '@nestjs/common';
import type { TwilioNumbers } from '@callpool/twilio';

/**
 * DELETEs at Twilio after NumberReleased is committed. A number Twilio still
 * holds is only a cost (it bills it every month), never a wrong attribution,
 * so nothing waits for it: a failed DELETE is retried at the next replenisher
 * rounds with an exponential back-off in real time (RELEASE_RETRY_BASE_MS
 * doubling up to RELEASE_RETRY_MAX_MS), for as long as the process lives;
 * after a restart, the start-up reconcile finds what is left (a number the
 * log says is released and the account still owns) and releases it again.
 */
export class TwilioReleases {
  /** sid → failed attempts so far and when the next one is due (epoch ms). */
  private readonly retries = new Map<string, { failures: number; dueAt: number }>();

  constructor(
    private readonly twilio: TwilioNumbers,
    private readonly log: LoggerService,
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  /** Releases waiting for a retry (a gauge on /metrics). */
  get pending(): number {
    return this.retries.size;
  }

  async release(sid: string): Promise<boolean> {
    try {
      await this.twilio.release(sid);
      this.retries.delete(sid);
      return true;
    } catch (error) {
      const failures = (this.retries.get(sid)?.failures ?? 0) + 1;
      const delay = Math.min(this.maxMs, this.baseMs * 2 ** (failures - 1));
      this.retries.set(sid, { failures, dueAt: Date.now() + delay });
      this.log.warn(
        `release of ${sid} at Twilio failed (${failures}x): ${(error as Error).message}; again in ${delay} ms`,
      );
      return false;
    }
  }

  /** Retries the releases whose back-off is over, one at a time. */
  async retryDue(): Promise<void> {
    const now = Date.now();
    for (const [sid, { dueAt }] of [...this.retries]) if (dueAt <= now) await this.release(sid);
  }
}
