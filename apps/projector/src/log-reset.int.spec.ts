import { allTopicNames } from '@callpool/contracts';
import { ensureTopics } from '@callpool/kafka';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { handMadeHistory } from '../test-support/hand-made-history';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { startProjector } from './projector';
import { rebuildProjection } from './rebuild/rebuild-projection';

/**
 * Tables projected from one log must not be continued from another (a reset
 * broker, a different cluster): everything below the stored offsets would be
 * skipped silently. The projector refuses to start and names the remedy.
 */
it('refuses to continue a projection whose stored offsets lie past the end of the log, until it is rebuilt', async () => {
  const prefix = uniqueTopicPrefix('projector_log_reset');
  const databaseUrl = await createTestDatabase('projector_log_reset');
  const publisher = new TestPublisher(prefix);
  const config = projectorConfig(prefix, databaseUrl);
  await publisher.connect();
  try {
    await publisher.history(handMadeHistory());
    const first = await startProjector({ config });
    await caughtUp(first);
    await first.close();

    const admin = publisher.kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics: allTopicNames(prefix) });
    await waitFor(async () => (await admin.listTopics()).every((topic) => !topic.startsWith(prefix)) || undefined, {
      what: 'the topics to be deleted',
    });
    await admin.disconnect();
    await waitFor(() => ensureTopics(publisher.kafka, prefix).then(() => true), { what: 'fresh, empty topics' });

    await expect(startProjector({ config })).rejects.toThrow(/log ends at 0.*npm run projector:rebuild/);

    // The remedy it names: a rebuild from the log as it is now, after which the projector starts again.
    // A shorter log than before (no calls yet): the old offsets stay ahead of it on every topic.
    await publisher.events('allocations', handMadeHistory('after-reset').allocations);
    await rebuildProjection(config, { info: () => undefined, warn: () => undefined });
    const rebuilt = await startProjector({ config });
    await caughtUp(rebuilt);
    const [counts] = await query(
      databaseUrl,
      'SELECT (SELECT count(*) FROM callpool.tracking_numbers)::integer AS numbers, (SELECT count(*) FROM callpool.calls)::integer AS calls',
    );
    expect(counts).toEqual({ numbers: 4, calls: 0 });
    await rebuilt.close();
  } finally {
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  }
}, 60000);
