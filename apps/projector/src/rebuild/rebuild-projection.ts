import { Admin } from 'kafkajs';
import { allTopicNames } from '@callpool/contracts';
import { createKafka, ensureTopics, lastStableOffsets } from '@callpool/kafka';
import { ProjectorConfig } from '../config';
import { Positions } from '../consumer/positions';
import { ProjectionRunner, RunnerLog } from '../consumer/projection-runner';
import { createSchemaPool, ensureDatabase } from '../database/connection';
import { migrateSchema } from '../database/migrate';
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
export async function rebuildProjection(config: ProjectorConfig, log: RunnerLog): Promise<RebuildResult> {
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
    await waitForPositions(runner.positions, await committedEnds(admin, topics));
    // A live projector went on meanwhile: catch up with it too, so the swap does not step back.
    // Live offsets past the end of the log are from another log (a reset broker): that projection
    // is what this rebuild replaces, so they are no target.
    const logEnds = await committedEnds(admin, topics);
    const liveTargets = [...(await liveOffsets(config.DATABASE_URL, live))].filter(
      ([key, offset]) => offset <= (logEnds.get(key) ?? 0n),
    );
    await waitForPositions(runner.positions, new Map(liveTargets));
    await runner.stop();
    const retiredSchema = await swapSchemas(config.DATABASE_URL, live, rebuilt);
    const retiredDropped = retiredSchema ? await dropRetiredSchema(config.DATABASE_URL, retiredSchema) : true;
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

async function waitForPositions(
  positions: Positions,
  targets: Map<string, bigint>,
  timeoutMs = 15 * 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const behind = () =>
    [...targets].filter(([key, target]) => {
      const [topic, partition] = key.split('\u0000');
      return positions.get(topic, Number(partition)) < target;
    });
  while (behind().length > 0) {
    if (Date.now() > deadline)
      throw new Error(
        `rebuild did not catch up within ${timeoutMs} ms: ${behind()
          .map(([k]) => k)
          .join(', ')}`,
      );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
