import { Kafka } from 'kafkajs';
import { Pool } from 'pg';
import { allTopicNames } from '@callpool/contracts';
import { ProjectorConfig } from '../config';
import { compareWithLog } from '../consumer/log-identity';
import { ProjectionAheadOfLogError, RunnerLog } from '../consumer/projection-runner';
import { rebuildProjection } from './rebuild-projection';

/**
 * Before projecting: a projection read from another log (two checkouts of the
 * project share the machine's `callpool` database, each with its own broker
 * in `.data/`) is rebuilt from this log into fresh tables, saying so; the old
 * tables are kept under a retired name, not dropped. A log that lost its tail
 * is refused: only an operator can decide to accept that loss.
 */
export async function adoptLog(kafka: Kafka, pool: Pool, config: ProjectorConfig, log: RunnerLog): Promise<void> {
  const prefix = config.CALLPOOL_TOPIC_PREFIX;
  const verdict = await compareWithLog(kafka, pool, allTopicNames(prefix), `${prefix}callpool.projector`);
  if (verdict.kind === 'same-log') return;
  if (verdict.kind === 'lost-tail')
    throw new ProjectionAheadOfLogError(
      `refusing to project: ${verdict.reason}. Restore the broker's data, or accept the loss and rebuild the ` +
        'projection from what the log still holds: npm run projector:rebuild',
    );
  const live = config.PROJECTOR_SCHEMA;
  log.warn(
    `schema ${live} was projected from another log (${verdict.reason}); rebuilding it from this log into fresh tables`,
  );
  const result = await rebuildProjection(config, log, { keepRetired: true });
  log.warn(
    `rebuilt ${live} from this log: ${result.events} events in ${result.seconds.toFixed(1)} s` +
      (result.retiredSchema
        ? `; the projection of the other log is kept as schema ${result.retiredSchema} (DROP SCHEMA ${result.retiredSchema} CASCADE to discard it)`
        : ''),
  );
}
