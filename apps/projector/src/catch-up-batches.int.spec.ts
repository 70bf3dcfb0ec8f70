import { newEvent } from '@callpool/contracts';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { RunningProjector, startProjector } from './projector';

/**
 * Catching up (a restart after downtime, a rebuild) is when batch size pays:
 * a row opened in one batch and closed in the next is written twice. kafkajs
 * fetches 1 MiB per partition unless told otherwise, about 1 400 events, which
 * would cap every batch there whatever PROJECTOR_BATCH_SIZE says.
 */
describe('projector catching up', () => {
  const prefix = uniqueTopicPrefix('projector_catch_up');
  const publisher = new TestPublisher(prefix);
  let databaseUrl: string;
  let running: RunningProjector | undefined;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('projector_catch_up');
    await publisher.connect();
  });

  afterAll(async () => {
    await running?.close();
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  });

  it('projects a backlog in batches as large as PROJECTOR_BATCH_SIZE (default 5 000), not one fetch at a time', async () => {
    // 4 000 page views of ~700 bytes each: about 2.8 MB on callpool.web-events.
    const views = Array.from({ length: 4000 }, (_, n) =>
      newEvent(
        'PageViewed',
        { visitorId: `v-${n % 50}`, sessionId: `s-${n % 50}`, url: `/cars/${n}?${'q'.repeat(420)}`, action: 'view' },
        { occurredAt: new Date(Date.parse('2030-03-01T08:00:00Z') + n * 1000), metadata: { producer: 'spec' } },
      ),
    );
    for (let i = 0; i < views.length; i += 500) await publisher.events('webEvents', views.slice(i, i + 500));
    const chunkSizes: number[] = [];
    running = await startProjector({
      config: projectorConfig(prefix, databaseUrl),
      beforeCommit: async (chunk) => {
        if (chunk.topic.endsWith('web-events')) chunkSizes.push(chunk.messages.length);
      },
    });
    await caughtUp(running, 40000);
    const [row] = await query<{ n: string }>(databaseUrl, 'SELECT count(*) AS n FROM callpool.page_views');
    expect(Number(row.n)).toBe(4000);
    expect(Math.max(...chunkSizes)).toBeGreaterThan(2500);
    expect(chunkSizes.length).toBeLessThanOrEqual(3);
  }, 60000);
});
