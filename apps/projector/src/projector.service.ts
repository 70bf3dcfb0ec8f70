import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
  OnApplicationShutdown,
  OnModuleInit,
} from '@nestjs/common';
import { Admin } from 'kafkajs';
import { Pool } from 'pg';
import { allTopicNames } from '@callpool/contracts';
import { createKafka, ensureTopics } from '@callpool/kafka';
import { CLOCK, Clock, ManualClock } from '@callpool/clock';
import { HealthRegistry, Metrics } from '@callpool/service-kit';
import { projectionLag, PartitionLag } from './consumer/lag';
import { trimProcessedEvents } from './projection/dedupe-horizon';
import { ProjectionRunner } from './consumer/projection-runner';
import { createSchemaPool, ensureDatabase } from './database/connection';
import { migrateSchema } from './database/migrate';
import { ProjectorMetrics } from './projector.metrics';
import { PROJECTOR_OPTIONS, ProjectorOptions } from './projector.options';
import { DeliveryWorker } from './webhooks/delivery-worker';
import { adoptLog } from './rebuild/adopt-log';

/**
 * The projector's lifecycle inside Nest: database and migrations before the
 * app starts, the consumer once it has, and on shutdown the consumer first
 * (the batch in flight finishes or rolls back whole) and the pool last.
 */
@Injectable()
export class ProjectorService
  implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger('projector');
  private pool!: Pool;
  private admin!: Admin;
  runner!: ProjectionRunner;
  deliveries!: DeliveryWorker;
  private trimTimer?: NodeJS.Timeout;

  constructor(
    @Inject(PROJECTOR_OPTIONS) private readonly options: ProjectorOptions,
    private readonly health: HealthRegistry,
    private readonly metrics: Metrics,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  get config() {
    return this.options.config;
  }

  async onModuleInit(): Promise<void> {
    const { config } = this.options;
    await ensureDatabase(config.DATABASE_URL);
    const { applied, runAs } = await migrateSchema({
      databaseUrl: config.DATABASE_URL,
      schema: config.PROJECTOR_SCHEMA,
      liveSchema: config.PROJECTOR_SCHEMA,
      ownerRole: config.PROJECTOR_DB_ROLE,
      analystPassword: config.ANALYST_PASSWORD,
      warn: (message) => this.logger.warn(message),
    });
    if (applied.length > 0) this.logger.log(`migrations applied: ${applied.join(', ')}`);
    this.pool = createSchemaPool(config.DATABASE_URL, config.PROJECTOR_SCHEMA, 4, runAs);
    this.pool.on('error', (error) => this.logger.warn(`idle Postgres connection failed: ${error.message}`));
    const kafka = createKafka({
      brokers: config.KAFKA_BROKERS,
      clientId: 'callpool-projector',
      topicPrefix: config.CALLPOOL_TOPIC_PREFIX,
    });
    await ensureTopics(kafka, config.CALLPOOL_TOPIC_PREFIX, 1, config.KAFKA_REPLICATION_FACTOR);
    await adoptLog(kafka, this.pool, config, { info: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m) });
    this.admin = kafka.admin();
    await this.admin.connect();
    const [newest] = (await this.pool.query('SELECT max(occurred_at) AS at FROM processed_events')).rows;
    if (newest?.at) this.followEventTime([new Date(newest.at).toISOString()]);
    const meter = new ProjectorMetrics(this.metrics, () => this.lag());
    this.runner = new ProjectionRunner({
      kafka,
      pool: this.pool,
      topics: allTopicNames(config.CALLPOOL_TOPIC_PREFIX),
      groupPrefix: `${config.CALLPOOL_TOPIC_PREFIX}callpool.projector`,
      batchSize: config.PROJECTOR_BATCH_SIZE,
      concurrency: config.PROJECTOR_CONCURRENCY,
      retryMs: config.PROJECTOR_RETRY_MS,
      beforeCommit: this.options.beforeCommit,
      log: { info: (m) => this.logger.log(m), warn: (m) => this.logger.warn(m) },
      onChunk: (chunk, outcome, ms) => {
        meter.chunk(chunk.topic, outcome, ms);
        this.followEventTime(chunk.messages.map((m) => (m.decoded.ok ? m.decoded.event.occurredAt : null)));
      },
    });
    this.deliveries = new DeliveryWorker({
      pool: this.pool,
      key: config.DEALER_WEBHOOK_KEY,
      policy: {
        baseMs: config.WEBHOOK_RETRY_BASE_MS,
        maxMs: config.WEBHOOK_RETRY_MAX_MS,
        giveUpMs: config.WEBHOOK_GIVE_UP_HOURS * 3_600_000,
      },
      pollMs: config.WEBHOOK_POLL_MS,
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      warn: (message) => this.logger.warn(message),
    });
    this.registerHealth();
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.runner.start();
    this.deliveries.start();
    const { PROJECTOR_DEDUPE_DAYS, PROJECTOR_DEDUPE_TRIM_INTERVAL_MS } = this.options.config;
    this.trimTimer = setInterval(
      () => void this.trimDedupeIds(PROJECTOR_DEDUPE_DAYS),
      PROJECTOR_DEDUPE_TRIM_INTERVAL_MS,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.trimTimer);
    await this.deliveries?.stop();
    await this.runner?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.admin?.disconnect().catch(() => undefined);
    await this.pool?.end().catch(() => undefined);
  }

  lag(): Promise<PartitionLag[]> {
    return projectionLag(this.admin, allTopicNames(this.options.config.CALLPOOL_TOPIC_PREFIX), this.runner.positions);
  }

  /** True once every partition is projected up to what was committed when asked. */
  async caughtUp(): Promise<boolean> {
    return (await this.lag()).every((partition) => partition.lag === 0n);
  }

  private async trimDedupeIds(horizonDays: number): Promise<void> {
    try {
      const trimmed = await trimProcessedEvents(this.pool, horizonDays);
      if (trimmed > 0) this.logger.debug(`dropped ${trimmed} event ids past the ${horizonDays}-day dedupe horizon`);
    } catch (error) {
      // Only housekeeping: the next interval tries again.
      this.logger.warn(`trimming processed_events failed: ${(error as Error).message}`);
    }
  }

  /**
   * A manual clock never stands behind the newest event in the log (CONTRACT.md,
   * Clock): at start from what was projected, then from every batch.
   */
  private followEventTime(occurredAt: Array<string | null>): void {
    if (!(this.clock instanceof ManualClock)) return;
    for (const at of occurredAt) if (at) this.clock.catchUpTo(new Date(at));
  }

  private registerHealth(): void {
    this.health.register('postgres', async () => {
      await withTimeout(this.pool.query('SELECT 1'), 2000, 'postgres');
      return { up: true };
    });
    this.health.register('kafka', async () => {
      const lag = await withTimeout(this.lag(), 2000, 'kafka');
      const behind = lag.reduce((sum, p) => sum + p.lag, 0n);
      return { up: true, detail: `lag ${behind} messages` };
    });
    this.health.register('projection', () =>
      this.runner.running ? { up: true } : { up: false, detail: 'consumer restarting after a failed batch' },
    );
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const timeout = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not answer in ${ms} ms`)), ms)),
  );
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
