import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Kafka } from 'kafkajs';
import type { Counter } from 'prom-client';
import { CLOCK, Clock, ManualClock } from '@callpool/clock';
import { topicName } from '@callpool/contracts';
import { poolSizing, poolTarget } from '@callpool/pool-domain';
import { ensureTopics, isFencedError, TransactionalEventWriter } from '@callpool/kafka';
import { ClockAdvancer, HealthRegistry, Metrics } from '@callpool/service-kit';
import { ExpireDueCommand } from './commands/commands';
import { AllocatorConfig } from './config';
import { CallsFeed } from './kafka/calls-feed';
import { GroupCommitWriter } from './kafka/group-commit';
import { LogReplay } from './kafka/log-replay';
import { PoolShard } from './pool/pool-shard';
import { Replenisher } from './replenisher/replenisher';
import { ALLOCATOR_CONFIG, EXIT, Exit, KAFKA } from './tokens';

/**
 * Back-to-back transactions meet CONCURRENT_TRANSACTIONS while the broker
 * still writes the previous commit's markers (a few ms); every display waits
 * for that retry, so retry after 2 ms rather than the client's 15.
 */
const TRANSACTION_RETRY = { initialRetryTime: 2, maxRetryTime: 1000, retries: 12 };

/** Longest wait between attempts to rebuild after a failed transaction (the broker may be down a while). */
const RECOVERY_MAX_MS = 10_000;

/**
 * Start-up order matters: claim the transactionalId first (fencing any older
 * allocator of this shard and aborting its open transaction), then replay the
 * log, then go live (answer /v1/*, expire what fell due meanwhile, follow
 * callpool.calls, top the pool up).
 */
@Injectable()
export class AllocatorLifecycle implements OnApplicationShutdown {
  private readonly log = new Logger('allocator');
  private writers: TransactionalEventWriter[] = [];
  private replay: LogReplay | null = null;
  private calls: CallsFeed | null = null;
  private expiryTimer: NodeJS.Timeout | null = null;
  private expiring: Promise<unknown> = Promise.resolve();
  private live: Promise<void> | null = null;
  private stopping = false;
  private followersStarted = false;
  private readonly recoveries: Counter<string>;

  constructor(
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(EXIT) private readonly exit: Exit,
    private readonly shard: PoolShard,
    private readonly commands: CommandBus,
    private readonly replenisher: Replenisher,
    private readonly metrics: Metrics,
    advancer: ClockAdvancer,
    health: HealthRegistry,
  ) {
    this.recoveries = this.metrics.counter(
      'callpool_allocator_rebuilds_total',
      'Times the shard threw its state away after a failed transaction and rebuilt it from the log',
    );
    health.register('pool', () => ({ up: this.shard.isReady(), detail: this.shard.status() }));
    this.registerPoolGauges();
    advancer.onAdvance((now) => this.expireUpTo(now));
  }

  /** What an operator alerts on: how full the pool is against its target, and purchases under way. */
  private registerPoolGauges(): void {
    const { shard, replenisher, clock } = this;
    this.metrics.gauge('callpool_allocator_pool_numbers', 'Numbers owned, by state', ['state'], (gauge) => {
      for (const state of ['available', 'displayed', 'locked', 'cooling', 'listing'] as const)
        gauge.set({ state }, shard.state.counts[state]);
    });
    this.metrics.gauge('callpool_allocator_pool_target', 'Pool 1 target of the sizing rule', [], (gauge) => {
      gauge.set(poolTarget(shard.state, clock.now().getTime(), shard.policy));
    });
    this.metrics.gauge(
      'callpool_allocator_numbers_wanted_beyond_cap',
      'Numbers the replenisher would buy if POOL_MAX allowed (0 while the cap does not bind)',
      [],
      (gauge) => gauge.set(poolSizing(shard.state, clock.now().getTime(), shard.policy).wanted),
    );
    this.metrics.gauge(
      'callpool_allocator_commit_waiting_events',
      'Decided events waiting for a group-commit transaction (COMMIT_QUEUE_MAX bounds it)',
      [],
      (gauge) => gauge.set(shard.waitingEvents()),
    );
    this.metrics.gauge('callpool_allocator_purchases_in_flight', 'Twilio purchases under way', [], (gauge) => {
      gauge.set(replenisher.provisioning);
    });
  }

  /** Resolves when the shard is live; rejects if it cannot get there. */
  start(): Promise<void> {
    return (this.live ??= this.goLive());
  }

  private async goLive(): Promise<void> {
    const prefix = this.config.CALLPOOL_TOPIC_PREFIX;
    const shard = this.config.ALLOCATOR_SHARD;
    await ensureTopics(this.kafka, prefix, shard + 1, this.config.KAFKA_REPLICATION_FACTOR);
    // Every lane's id is claimed before the log is read: an older allocator of the shard is fenced on all of them.
    for (let lane = 0; lane < this.config.COMMIT_LANES; lane++) {
      const id = `${prefix}callpool-allocator-shard-${shard}${lane === 0 ? '' : `-lane-${lane}`}`;
      const writer = this.unlessStopping(new TransactionalEventWriter(this.kafka, id, { retry: TRANSACTION_RETRY }));
      this.writers.push(writer);
      await writer.connect();
      await writer.claim();
    }
    const topics = {
      prefix,
      shard,
      allocations: topicName('allocations', prefix),
      webEvents: topicName('webEvents', prefix),
    };
    this.replay = this.unlessStopping(
      new LogReplay(this.kafka, topics, this.shard, this.config.ALLOCATOR_REPLAY_PROGRESS_MS),
    );
    await this.replay.rebuild();
    if (this.clock instanceof ManualClock && this.shard.state.lastEventAt > 0)
      this.clock.catchUpTo(new Date(this.shard.state.lastEventAt));
    const commits = this.metrics.histogram(
      'callpool_allocator_commit_seconds',
      'Group-commit transaction time',
      [],
      [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
    );
    const sizes = this.metrics.histogram(
      'callpool_allocator_commit_events',
      'Events per group-commit transaction',
      [],
      [1, 5, 20, 50, 100, 250, 1000],
    );
    const observe = (events: number, seconds: number) => {
      commits.observe(seconds);
      sizes.observe(events);
    };
    this.unlessStopping(this.shard).goLive(
      new GroupCommitWriter(this.writers, topics, (error) => this.stopWriting(error), observe, {
        maxWaitingEvents: this.config.COMMIT_QUEUE_MAX,
      }),
    );
    await this.commands.execute(new ExpireDueCommand(this.clock.now()));
    const malformed = this.metrics.counter(
      'callpool_allocator_malformed_events_total',
      'Messages on callpool.calls that are not a valid event: skipped, never applied',
      ['topic'],
    );
    this.calls = this.unlessStopping(
      new CallsFeed(this.kafka, topicName('calls', prefix), prefix, shard, this.shard, this.commands, malformed),
    );
    await this.calls.start();
    // After a rebuild they are running already: the replenisher waits by itself while the shard is not ready.
    if (!this.followersStarted) this.unlessStopping(this.replenisher).start();
    this.followersStarted = true;
    if (this.clock.kind === 'wall' && !this.expiryTimer)
      this.expiryTimer = setInterval(() => void this.expireUpTo(this.clock.now()), this.config.EXPIRY_INTERVAL_MS);
    this.log.log(`shard ${shard} live at ${this.clock.now().toISOString()} (${this.clock.kind} clock)`);
  }

  /** A shutdown during start-up: create nothing more that would need closing. */
  private unlessStopping<T>(next: T): T {
    if (this.stopping) throw new Error('allocator is shutting down');
    return next;
  }

  /** Serialised: a clock move waits for the previous expiry pass, and for the shard to be live. */
  private expireUpTo(now: Date): Promise<void> {
    const run = this.expiring.then(async () => {
      if (!this.shard.isReady() && this.live) await this.live.catch(() => undefined);
      if (!this.shard.isReady()) return;
      await this.commands.execute(new ExpireDueCommand(now));
    });
    this.expiring = run.catch((error: Error) => this.log.warn(`expiry pass failed: ${error.message}`));
    return run;
  }

  /**
   * Fenced: another allocator owns this shard now, so never write again and
   * exit. A failed transaction otherwise (the broker was unreachable, a
   * timeout): the requests of that batch answer 503, and the shard rebuilds
   * itself from the log in this process, retrying until the broker is back.
   */
  private stopWriting(error: Error): void {
    // Shutting down: the transaction failed because the producer is being closed; nothing to rebuild.
    if (this.stopping) return;
    if (!isFencedError(error)) {
      void this.recover(error);
      return;
    }
    const reason = 'fenced by another allocator of this shard';
    this.log.error(`${reason}; exiting`);
    this.halt();
    // Leave the calls group at once, so the allocator that replaced us gets the partition.
    void this.calls?.stop().catch(() => undefined);
    this.exit(3, reason);
  }

  private async recover(error: Error): Promise<void> {
    this.log.error(`transaction failed: ${error.message}; rebuilding the shard from the log`);
    this.recoveries.inc();
    for (let attempt = 1; !this.stopping; attempt++) {
      await this.closeFeeds();
      this.shard.reset();
      this.live = null;
      try {
        await this.start();
        this.log.log(`shard rebuilt after a failed transaction (attempt ${attempt})`);
        return;
      } catch (retry) {
        const delay = Math.min(RECOVERY_MAX_MS, 250 * 2 ** Math.min(attempt, 8));
        this.log.warn(`rebuild failed: ${(retry as Error).message}; retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  private async closeFeeds(): Promise<void> {
    await this.calls?.stop().catch(() => undefined);
    await this.replay?.stop().catch(() => undefined);
    await Promise.all(this.writers.map((writer) => writer.disconnect().catch(() => undefined)));
    this.calls = null;
    this.replay = null;
    this.writers = [];
  }

  private halt(): void {
    if (this.expiryTimer) clearInterval(this.expiryTimer);
    this.expiryTimer = null;
    this.replenisher.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.halt();
    await this.expiring.catch(() => undefined);
    await this.closeFeeds();
  }
}
