import { newEvent } from '@callpool/contracts';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { ensureDatabase } from './database/connection';
import { migrateSchema } from './database/migrate';
import { startProjector } from './projector';

/**
 * A database an earlier release migrated (the first three migrations) is
 * brought up to date at start and projects what the newer events carry, here
 * `NumberDisplayed.overflowReason` (its column came with migration 0004).
 */
it('upgrades a database migrated by an earlier release and projects the newer fields', async () => {
  const prefix = uniqueTopicPrefix('projector_upgrade');
  const databaseUrl = await createTestDatabase('projector_upgrade');
  const publisher = new TestPublisher(prefix);
  const config = projectorConfig(prefix, databaseUrl);
  await publisher.connect();
  try {
    await ensureDatabase(databaseUrl);
    await migrateSchema(
      {
        databaseUrl,
        schema: config.PROJECTOR_SCHEMA,
        liveSchema: config.PROJECTOR_SCHEMA,
        ownerRole: config.PROJECTOR_DB_ROLE,
        warn: () => undefined,
      },
      { releasedUpTo: 3 },
    );
    await publisher.events('allocations', [
      newEvent(
        'NumberDisplayed',
        {
          number: '+15557650009',
          pool: 'overflow',
          attribution: 'none',
          visitorId: 'v-u',
          sessionId: 's-u',
          listingId: 'L-U',
          dealerId: 'D-U',
          expiresAt: '2030-03-01T10:10:00.000Z',
          assignmentStarted: false,
          overflowReason: 'pool_max',
        },
        { occurredAt: '2030-03-01T10:00:00.000Z', metadata: { producer: 'test' } },
      ),
    ]);
    const running = await startProjector({ config });
    await caughtUp(running);
    await running.close();
    const rows = await query(databaseUrl, 'SELECT pool, overflow_reason FROM callpool.displays');
    expect(rows).toEqual([{ pool: 'overflow', overflow_reason: 'pool_max' }]);
  } finally {
    await publisher.disconnect();
    await dropDatabase(databaseUrl);
  }
}, 60000);
