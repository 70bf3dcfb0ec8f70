import { Admin } from 'kafkajs';
import { allTopicNames } from '@callpool/contracts';
import { createKafka, ensureTopics, lastStableOffsets } from '@callpool/kafka';
import { ProjectorConfig } from '../config';
import { ProjectionRunner, RunnerLog } from '../consumer/projection-runner';
import { createSchemaPool, ensureDatabase } from '../database/connection';
import { migrateSchema } from '../database/migrate';
import { Progress } from './progress';
import { dropRetiredSchema, dropSchemaIfExists, liveOffsets, swapSchemas } from './swap';

export interface RebuildResult {
  events: number;
  seconds: number;
  retiredSchema: string | null;
  retiredDropped: boolean;
}

/**
 * Replays every topic from offset zero into a fresh schema, then swaps it in
 * (see swap.ts). Analysts keep reading the old tables until the swap commits
 * and the new ones right after: there is no moment with empty tables. A live
 * projector may keep running throughout; it follows the swap on its own.
 */
export interface RebuildOptions {
  /** Keep the replaced tables under their retired name instead of dropping them (the projector's own rebuilds). */
  keepRetired?: boolean;
  /** How often (ms) a progress line is logged while replaying. */
  progressEveryMs?: number;
}

export async function rebuildProjection(
  config: ProjectorConfig,
  log: RunnerLog,
  { keepRetired = false, progressEveryMs = config.PROJECTOR_REBUILD_PROGRESS_MS }: RebuildOptions = {},
): Promise<RebuildResult> {
  const started = Date.now();
  const live = config.PROJECTOR_SCHEMA;
  const rebuilt = `${live}_rebuild`;
  await ensureDatabase(config.DATABASE_URL);
  await dropSchemaIfExists(config.DATABASE_URL, rebuilt); // a leftover of an interrupted rebuild
  const { runAs } = await migrateSchema({
    databaseUrl: config.DATABASE_URL,
    schema: rebuilt,
    liveSchema: live,
    ownerRole: config.PROJECTOR_DB_ROLE,
    analystPassword: config.ANALYST_PASSWORD,
    warn: log.warn,
  });
  const kafka = createKafka({
    brokers: config.KAFKA_BROKERS,
    clientId: 'callpool-projector-rebuild',
    topicPrefix: config.CALLPOOL_TOPIC_PREFIX,
  });
  await ensureTopics(kafka, config.CALLPOOL_TOPIC_PREFIX, 1, config.KAFKA_REPLICATION_FACTOR);
  const topics = allTopicNames(config.CALLPOOL_TOPIC_PREFIX);
  const pool = createSchemaPool(config.DATABASE_URL, rebuilt, 4, runAs);
  const admin = kafka.admin();
  await admin.connect();
  let events = 0;
  const runner = new ProjectionRunner({
    kafka,
    pool,
    topics,
    groupPrefix: `${config.CALLPOOL_TOPIC_PREFIX}callpool.projector-rebuild`,
    batchSize: config.PROJECTOR_BATCH_SIZE,
    concurrency: config.PROJECTOR_CONCURRENCY,
    retryMs: config.PROJECTOR_RETRY_MS,
    log,
    onChunk: (_chunk, outcome) => (events += outcome.projected),
  });
  try {
    await runner.start();
    const progress = new Progress(runner.positions, () => events, log, progressEveryMs);
    await progress.until(await committedEnds(admin, topics));
    // A live projector went on meanwhile: catch up with it too, so the swap does not step back.
    // Live offsets past the end of the log are from another log (a reset broker): that projection
    // is what this rebuild replaces, so they are no target.
    const logEnds = await committedEnds(admin, topics);
    const liveTargets = [...(await liveOffsets(config.DATABASE_URL, live))].filter(
      ([key, offset]) => offset <= (logEnds.get(key) ?? 0n),
    );
    await progress.until(new Map(liveTargets));
    await runner.stop();
    const retiredSchema = await swapSchemas(config.DATABASE_URL, live, rebuilt);
    const retiredDropped =
      retiredSchema && !keepRetired ? await dropRetiredSchema(config.DATABASE_URL, retiredSchema) : !retiredSchema;
    return { events, seconds: (Date.now() - started) / 1000, retiredSchema, retiredDropped };
  } finally {
    await runner.stop();
    await admin.disconnect();
    await pool.end();
  }
}

async function committedEnds(admin: Admin, topics: string[]): Promise<Map<string, bigint>> {
  const ends = new Map<string, bigint>();
  for (const topic of topics)
    for (const [partition, end] of await lastStableOffsets(admin, topic)) ends.set(`${topic}\u0000${partition}`, end);
  return ends;
}
