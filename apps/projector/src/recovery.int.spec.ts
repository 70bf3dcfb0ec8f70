import { createTestDatabase, dropDatabase, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { generatedHistory } from '../test-support/generated-history';
import { caughtUp, projectorConfig, query, snapshot, TestPublisher } from '../test-support/harness';
import { RunningProjector, startProjector } from './projector';
import { rebuildProjection } from './rebuild/rebuild-projection';

/**
 * Crash and rebuild, each compared row for row with a reference projector that
 * read the same topics once, without faults, one partition at a time (the
 * others project the three topics concurrently, PROJECTOR_CONCURRENCY's default).
 */
describe('projector recovery', () => {
  const prefix = uniqueTopicPrefix('projector_recovery');
  const publisher = new TestPublisher(prefix);
  const databases: Record<'reference' | 'crashed' | 'live' | 'outage', string> = {
    reference: '',
    crashed: '',
    live: '',
    outage: '',
  };
  const running: RunningProjector[] = [];
  let reference: RunningProjector;

  const start = async (
    database: string,
    extra: Record<string, string> = {},
    beforeCommit?: Parameters<typeof startProjector>[0]['beforeCommit'],
  ) => {
    const projector = await startProjector({
      config: projectorConfig(prefix, database, { PROJECTOR_BATCH_SIZE: '50', ...extra }),
      beforeCommit,
    });
    running.push(projector);
    return projector;
  };

  beforeAll(async () => {
    for (const name of Object.keys(databases) as (keyof typeof databases)[])
      databases[name] = await createTestDatabase(`projector_${name}`);
    await publisher.connect();
    await publisher.history(generatedHistory(240, 'one'));
    await publisher.raw('calls', 'not an event');
    reference = await start(databases.reference, { PROJECTOR_CONCURRENCY: '1' });
  }, 40000);

  afterAll(async () => {
    for (const projector of running) await projector.close().catch(() => undefined);
    await publisher.disconnect();
    for (const url of Object.values(databases)) if (url) await dropDatabase(url);
  });

  it('ends with exactly the right rows after being killed in the middle of a batch', async () => {
    let chunks = 0;
    let killedAt: unknown[] = [];
    const crashing = await start(databases.crashed, {}, async (_chunk, client) => {
      if (++chunks < 7) return;
      // Dead is dead: nothing after the kill may commit before the projector is stopped.
      if (chunks > 7) throw new Error('killed');
      // The connection dies inside the transaction, after the batch's rows and offset were written.
      killedAt = (await query(databases.crashed, 'SELECT * FROM callpool.projector_offsets')).map(
        (row) => row.next_offset,
      );
      await client.query('SELECT pg_terminate_backend(pg_backend_pid())');
    });
    await waitFor(() => chunks >= 7, { what: 'the seventh batch' });
    await crashing.close();
    const partial = await query(databases.crashed, 'SELECT next_offset FROM callpool.projector_offsets');
    expect(partial.map((row) => row.next_offset)).toEqual(killedAt);

    const restarted = await start(databases.crashed);
    await caughtUp(restarted);
    await caughtUp(reference);
    expect(await snapshot(databases.crashed)).toEqual(await snapshot(databases.reference));
  }, 50000);

  it('goes on by itself after Postgres refuses connections for a while, again and again', async () => {
    const outage = await start(databases.outage);
    await caughtUp(outage);
    const name = new URL(databases.outage).pathname.slice(1);
    // The stack's database goes away under the projector (connections killed, new ones refused) while
    // events keep coming, then comes back: three times, at different points of a batch.
    for (const [round, pauseMs] of [1500, 4000, 2500].entries()) {
      await query(databases.reference, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
      await query(databases.reference, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        name,
      ]);
      await publisher.history(generatedHistory(15, `outage-${round}`));
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
      await query(databases.reference, `ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
      await caughtUp(outage, 45000);
    }
    await caughtUp(reference);
    expect(await snapshot(databases.outage)).toEqual(await snapshot(databases.reference));
  }, 200000);

  it('rebuilds from offset zero into a schema swapped in under readers, equal to the incremental one', async () => {
    const live = await start(databases.live, { ANALYST_PASSWORD: '' });
    await caughtUp(live);
    const generation = await query(databases.live, 'SELECT generation FROM callpool.projector_generation');
    let reads = 0;
    let emptyReads = 0;
    let reading = true;
    const reader = (async () => {
      while (reading) {
        const [{ n }] = await query<{ n: string }>(databases.live, 'SELECT count(*) AS n FROM calls');
        reads++;
        if (n === '0') emptyReads++;
      }
    })();
    const more = publisher.history(generatedHistory(60, 'two'));
    const result = await rebuildProjection(live.projector.config, { info: () => undefined, warn: () => undefined });
    await more;
    reading = false;
    await reader;

    expect(result.retiredDropped).toBe(true);
    expect(reads).toBeGreaterThan(0);
    expect(emptyReads).toBe(0);
    expect(await query(databases.live, 'SELECT generation FROM callpool.projector_generation')).not.toEqual(generation);
    // The live projector notices the swap on its next batch and goes on from the new schema's offsets.
    await publisher.history(generatedHistory(20, 'three'));
    await caughtUp(live);
    await caughtUp(reference);
    expect(await snapshot(databases.live)).toEqual(await snapshot(databases.reference));
    const [grant] = await query(
      databases.live,
      `SELECT has_table_privilege('callpool_analyst', 'callpool.calls', 'SELECT') AS ok`,
    );
    expect(grant.ok).toBe(true);
    const schemas = await query(databases.live, `SELECT nspname FROM pg_namespace WHERE nspname LIKE 'callpool%'`);
    expect(schemas).toEqual([{ nspname: 'callpool' }]);
  }, 50000);
});
