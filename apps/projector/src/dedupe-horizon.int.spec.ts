import { CallpoolEvent, newEvent } from '@callpool/contracts';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { RunningProjector, startProjector } from './projector';

/**
 * processed_events keeps event ids for PROJECTOR_DEDUPE_DAYS of event time,
 * counted back from the newest projected event (never from now()).
 */
describe('projector dedupe horizon', () => {
  const prefix = uniqueTopicPrefix('projector_dedupe');
  const publisher = new TestPublisher(prefix);
  let databaseUrl: string;
  let running: RunningProjector;

  const pageView = (id: string, occurredAt: string): CallpoolEvent =>
    newEvent(
      'PageViewed',
      { sessionId: `s-${id}`, visitorId: `v-${id}`, url: '/cars/L-1', action: 'view', listingId: 'L-1' },
      { id, occurredAt, metadata: { producer: 'test' } },
    ) as CallpoolEvent;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('projector_dedupe');
    await publisher.connect();
    running = await startProjector({
      config: projectorConfig(prefix, databaseUrl, {
        PROJECTOR_DEDUPE_DAYS: '30',
        PROJECTOR_DEDUPE_TRIM_INTERVAL_MS: '50',
      }),
    });
  }, 40000);

  afterAll(async () => {
    await running?.close();
    await publisher.disconnect();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  const ids = async () =>
    (await query<{ event_id: string }>(databaseUrl, 'SELECT event_id FROM callpool.processed_events ORDER BY 1')).map(
      (row) => row.event_id,
    );

  it('drops ids older than the horizon behind the newest event, keeps the rest and still recognises their redelivery', async () => {
    await publisher.events('webEvents', [
      pageView('old', '2030-01-01T10:00:00.000Z'),
      pageView('edge', '2030-01-11T10:00:00.000Z'),
    ]);
    await caughtUp(running);
    expect(await ids()).toEqual(['edge', 'old']); // 10 days apart: both within 30 days of the newest

    await publisher.events('webEvents', [pageView('new', '2030-02-05T10:00:00.000Z')]);
    await caughtUp(running);
    // 'old' is 35 days behind the newest event, 'edge' 25.
    await waitFor(async () => ((await ids()).includes('old') ? undefined : true), { what: 'the old id trimmed' });
    expect(await ids()).toEqual(['edge', 'new']);

    // A redelivery within the horizon changes nothing.
    await publisher.events('webEvents', [pageView('edge', '2030-01-11T10:00:00.000Z')]);
    await caughtUp(running);
    const views = await query<{ session_id: string; n: number }>(
      databaseUrl,
      'SELECT session_id, count(*)::int AS n FROM callpool.page_views GROUP BY 1 ORDER BY 1',
    );
    expect(views).toEqual([
      { session_id: 's-edge', n: 1 },
      { session_id: 's-new', n: 1 },
      { session_id: 's-old', n: 1 },
    ]);
  });
});
