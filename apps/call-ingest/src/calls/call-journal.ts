import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { CLOCK, Clock } from '@callpool/clock';
import { CallpoolEvent, EventData, newEvent } from '@callpool/contracts';
import { Metrics } from '@callpool/service-kit';
import type { Counter } from 'prom-client';
import { Spool } from '../spool/spool';
import { callEventId } from './event-ids';

type CallEventType = 'CallReceived' | 'CallResolved' | 'CallCompleted' | 'DealerDialEnded';

/** How often events the spool refused are offered to it again. */
export const HELD_RETRY_MS = 1000;

/**
 * Writes call events to the spool (the publisher takes them to Kafka from
 * there). Each event's id is derived from its type and CallSid, and the
 * CallSid is the correlation id of everything about one call.
 *
 * A CallReceived the spool refuses (disk full, I/O error) is not dropped: the
 * call rings anyway (Twilio will not send that webhook again), so the event
 * is held in memory and appended again every HELD_RETRY_MS until the disk
 * takes it; /health is degraded and a counter moves meanwhile. The other
 * events fail their webhook instead, and Twilio retries it.
 */
@Injectable()
export class CallJournal implements OnModuleDestroy {
  private readonly log = new Logger('call-journal');
  private readonly held: CallpoolEvent[] = [];
  private retryTimer: NodeJS.Timeout | null = null;
  private readonly failures: Counter<string>;
  lastError: string | null = null;

  constructor(
    private readonly spool: Spool,
    @Inject(CLOCK) private readonly clock: Clock,
    metrics: Metrics,
  ) {
    this.failures = metrics.counter(
      'callpool_call_ingest_spool_append_failures_total',
      'Call events the spool refused to write, by type (CallReceived ones are held and retried)',
      ['type'],
    );
    metrics.gauge('callpool_call_ingest_held_events', 'CallReceived events waiting in memory for the spool', [], (g) =>
      g.set(this.held.length),
    );
  }

  now(): Date {
    return this.clock.now();
  }

  /** CallReceived events not yet on disk. */
  heldCount(): number {
    return this.held.length;
  }

  async record<T extends CallEventType>(type: T, data: EventData<T>, occurredAt: Date): Promise<void> {
    const callSid = data.callSid;
    const event = newEvent(type, data, {
      id: callEventId(type, callSid),
      occurredAt,
      metadata: { producer: 'call-ingest', correlationId: callSid },
    });
    try {
      await this.spool.append(event);
    } catch (error) {
      this.failures.inc({ type });
      this.lastError = (error as Error).message;
      if (type === 'CallReceived') this.hold(event);
      throw error;
    }
  }

  onModuleDestroy(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer);
    if (this.held.length > 0) this.log.error(`${this.held.length} CallReceived events never reached the spool`);
  }

  private hold(event: CallpoolEvent): void {
    this.held.push(event);
    this.retryTimer ??= setTimeout(() => void this.retryHeld(), HELD_RETRY_MS);
  }

  private async retryHeld(): Promise<void> {
    this.retryTimer = null;
    while (this.held.length > 0) {
      try {
        await this.spool.append(this.held[0]);
        this.held.shift();
      } catch (error) {
        this.lastError = (error as Error).message;
        this.retryTimer = setTimeout(() => void this.retryHeld(), HELD_RETRY_MS);
        return;
      }
    }
    this.lastError = null;
    this.log.log('every held CallReceived is now in the spool');
  }
}
