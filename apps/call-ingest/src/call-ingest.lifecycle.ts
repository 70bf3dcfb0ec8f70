import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CLOCK, Clock, ManualClock } from '@callpool/clock';
import { HealthRegistry, Metrics } from '@callpool/service-kit';
import { CallJournal } from './calls/call-journal';
import { CallLedger } from './calls/call-ledger';
import type { CallIngestConfig } from './config';
import { Spool } from './spool/spool';
import { SpoolPublisher } from './spool/spool-publisher';
import { ViewFeed } from './view/view-feed';

export const CALL_INGEST_CONFIG = Symbol('CALL_INGEST_CONFIG');

/**
 * Starts and stops the moving parts in an order that loses nothing: on the
 * way down the HTTP server is already closed (Nest closes it before this
 * hook), the publisher gets a moment to drain, the view is snapshotted, and
 * the spool is closed last.
 */
@Injectable()
export class CallIngestLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('call-ingest');
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    @Inject(CALL_INGEST_CONFIG) private readonly config: CallIngestConfig,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly view: ViewFeed,
    private readonly spool: Spool,
    private readonly publisher: SpoolPublisher,
    private readonly ledger: CallLedger,
    private readonly health: HealthRegistry,
    private readonly journal: CallJournal,
    private readonly metrics: Metrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.spool.unreadableLines > 0)
      this.logger.error(`${this.spool.unreadableLines} unreadable lines skipped in the spool`);
    const newestSpooled = this.spool.pending(Number.MAX_SAFE_INTEGER).at(-1)?.event.occurredAt;
    if (newestSpooled && this.clock instanceof ManualClock) this.clock.catchUpTo(new Date(newestSpooled));
    await this.view.start();
    this.publisher.start();
    this.pruneTimer = setInterval(() => this.ledger.forgetBefore(this.retainAfter()), 60_000);
    this.health.register('allocations-view', () => this.viewHealth());
    this.health.register('calls-publisher', () => this.spoolHealth());
    this.metrics.gauge('callpool_call_ingest_spool_pending', 'Call events in the spool not yet on Kafka', [], (g) =>
      g.set(this.spool.pendingCount()),
    );
  }

  /**
   * Calls keep ringing while Kafka is away: the spool grows and /health says
   * degraded past SPOOL_DEGRADED_PENDING (or while a CallReceived waits for
   * the disk). Past SPOOL_MAX_PENDING it answers 503: the disk is filling and
   * an operator must act; Twilio's fallback URL rings the calls meanwhile if
   * the load balancer takes this instance out.
   */
  private spoolHealth() {
    const status = this.publisher.status();
    const held = this.journal.heldCount();
    const degraded =
      !status.connected ||
      status.failingSince !== null ||
      held > 0 ||
      status.pending > this.config.SPOOL_DEGRADED_PENDING;
    const problems = [
      status.lastError,
      held > 0 ? `${held} CallReceived not yet on disk: ${this.journal.lastError}` : null,
    ];
    return {
      up: status.pending <= this.config.SPOOL_MAX_PENDING,
      degraded,
      detail: [`${status.pending} call events waiting in the spool`, ...problems.filter(Boolean)].join('; '),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    await this.publisher.drain(2000);
    await this.publisher.stop();
    await this.view.stop();
    await this.spool.close();
  }

  private viewHealth() {
    const { source, kafkaReachable, newestEventAt } = this.view.status();
    if (source === 'none') return { up: false, detail: `replaying ${this.view.topic}; no snapshot to route from yet` };
    // How far the routing view has read: an operator (or a test) can tell whether a display is known yet.
    if (source === 'snapshot')
      return {
        up: true,
        degraded: true,
        newestEventAt,
        detail: 'routing from the local snapshot until the replay catches up',
      };
    return {
      up: true,
      degraded: !kafkaReachable,
      newestEventAt,
      detail: kafkaReachable ? 'live' : 'live view, but Kafka is not answering',
    };
  }

  private retainAfter(): Date {
    return new Date(this.clock.now().getTime() - this.config.SPOOL_RETAIN_SECONDS * 1000);
  }
}
