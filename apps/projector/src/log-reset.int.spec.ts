import { allTopicNames, topicName } from '@callpool/contracts';
import { ensureTopics } from '@callpool/kafka';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { handMadeHistory } from '../test-support/hand-made-history';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { startProjector } from './projector';

/**
 * Tables projected from one log must not be continued from another: everything
 * below the stored offsets would be skipped silently. A projection from another
 * log (a second checkout's broker on the machine's one database, recreated
 * topics) is rebuilt by the projector on its own; a log that still begins with
 * the records the projection read but ends short of it lost acknowledged data,
 * and the projector refuses to start, naming the remedy.
 */
async function projectedHistory(label: string) {
  const prefix = uniqueTopicPrefix(label);
  const databaseUrl = await createTestDatabase(label);
  const publisher = new TestPublisher(prefix);
  const config = projectorConfig(prefix, databaseUrl);
  await publisher.connect();
  await publisher.history(handMadeHistory());
  const first = await startProjector({ config });
  await caughtUp(first);
  await first.close();
  const cleanUp = async () => {
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  };
  return { prefix, databaseUrl, publisher, config, cleanUp };
}

const counts = async (databaseUrl: string, schema = 'callpool') =>
  (
    await query(
      databaseUrl,
      `SELECT (SELECT count(*) FROM ${schema}.tracking_numbers)::integer AS numbers, (SELECT count(*) FROM ${schema}.calls)::integer AS calls`,
    )
  )[0];

it('rebuilds on its own a projection read from another log, keeping the old tables aside', async () => {
  const { prefix, databaseUrl, publisher, config, cleanUp } = await projectedHistory('projector_log_reset');
  try {
    const before = await counts(databaseUrl);
    const admin = publisher.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: allTopicNames(prefix) });
    await waitFor(async () => (await admin.listTopics()).every((topic) => !topic.startsWith(prefix)) || undefined, {
      what: 'the topics to be deleted',
    });
    await admin.disconnect();
    await waitFor(() => ensureTopics(publisher.kafka, prefix).then(() => true), { what: 'fresh, empty topics' });
    // Another log, shorter than the one projected (no calls yet): the old offsets lie past its end.
    await publisher.events('allocations', handMadeHistory('another-log').allocations);

    const rebuilt = await startProjector({ config });
    await caughtUp(rebuilt);
    expect(await counts(databaseUrl)).toEqual({ numbers: 4, calls: 0 });
    const [kept] = await query<{ schema: string }>(
      databaseUrl,
      `SELECT nspname AS schema FROM pg_namespace WHERE nspname LIKE 'callpool_retired_%'`,
    );
    expect(await counts(databaseUrl, kept.schema)).toEqual(before);
    await rebuilt.close();
  } finally {
    await cleanUp();
  }
}, 90000);

it('refuses a log that still begins with the projected records but ends before the projected offset', async () => {
  const { prefix, databaseUrl, config, cleanUp } = await projectedHistory('projector_lost_tail');
  try {
    // What a broker that lost acknowledged records looks like from here: the projection is ahead of the same log.
    await query(databaseUrl, 'UPDATE callpool.projector_offsets SET next_offset = next_offset + 5 WHERE topic = $1', [
      topicName('allocations', prefix),
    ]);
    await expect(startProjector({ config })).rejects.toThrow(/lost acknowledged records.*npm run projector:rebuild/);

    // Projected before identities were kept: which log it was is unknown, so the old rule refuses.
    await query(databaseUrl, 'UPDATE callpool.projector_offsets SET first_record = NULL, first_offset = NULL');
    await expect(startProjector({ config })).rejects.toThrow(/log ends at \d+.*npm run projector:rebuild/);
    expect(await counts(databaseUrl)).toEqual({ numbers: 4, calls: 3 });
  } finally {
    await cleanUp();
  }
}, 90000);
