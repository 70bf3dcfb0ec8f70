import { Client } from 'pg';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { handMadeHistory } from '../test-support/hand-made-history';
import { caughtUp, projectorConfig, query, TestPublisher } from '../test-support/harness';
import { urlAs } from './database/connection';
import { ANALYST_RELATIONS } from './database/roles';
import { RunningProjector, startProjector } from './projector';

/** The projector runs as its owner role; analysts read the contract's relations and nothing else. */
describe('database roles', () => {
  const prefix = uniqueTopicPrefix('projector_roles');
  const publisher = new TestPublisher(prefix);
  let databaseUrl = '';
  let projector: RunningProjector;
  let analyst: Client;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('projector_roles');
    await publisher.connect();
    await publisher.history(handMadeHistory('r'));
    projector = await startProjector({
      config: projectorConfig(prefix, databaseUrl, { ANALYST_PASSWORD: 'analyst-pw' }),
    });
    await caughtUp(projector);
    analyst = new Client({ connectionString: urlAs(databaseUrl, 'callpool_analyst', 'analyst-pw') });
    await analyst.connect();
    // The role's read-only default is a convenience the analyst can switch off; the grants are what protect.
    await analyst.query('SET default_transaction_read_only = off');
  }, 40000);

  afterAll(async () => {
    await analyst?.end();
    await projector?.close();
    await publisher.disconnect();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('projects as callpool_projector, a role that owns the schema and is no superuser', async () => {
    const pool = (projector.projector as unknown as { pool: { query: Client['query'] } }).pool;
    const [me] = (await pool.query(`SELECT current_user AS name, rolsuper FROM pg_roles WHERE rolname = current_user`))
      .rows;
    expect(me).toEqual({ name: 'callpool_projector', rolsuper: false });
    const owners = await query(
      databaseUrl,
      `SELECT DISTINCT pg_get_userbyid(c.relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'callpool' AND c.relkind IN ('r', 'v')
       UNION SELECT pg_get_userbyid(nspowner) FROM pg_namespace WHERE nspname = 'callpool'`,
    );
    expect(owners).toEqual([{ owner: 'callpool_projector' }]);
  });

  it('lets the analyst read every contract relation', async () => {
    for (const relation of ANALYST_RELATIONS) {
      const result = await analyst.query(`SELECT count(*)::int AS n FROM ${relation}`);
      expect(result.rows[0].n).toBeGreaterThanOrEqual(0);
    }
    const calls = await analyst.query(`SELECT count(*)::int AS n FROM calls`);
    expect(calls.rows[0].n).toBe(3);
  });

  it.each([
    ['insert', `INSERT INTO call_records (call_sid) VALUES ('forged')`],
    [
      'insert into a relation it reads',
      `INSERT INTO tracking_numbers (number, state) VALUES ('+15550009999', 'available')`,
    ],
    ['update a rollup it reads', `UPDATE listing_daily SET displays = 0`],
    ['delete from a relation it reads', `DELETE FROM webhook_deliveries`],
    ['read the pool checkpoints', `SELECT * FROM pool_checkpoints`],
    [
      'insert into a view',
      `INSERT INTO page_views (event_id, session_id, visitor_id, url, action, viewed_at) VALUES ('x', 's', 'v', '/', 'view', now())`,
    ],
    ['update', `UPDATE tracking_numbers SET state = 'available'`],
    ['delete', `DELETE FROM dead_letters`],
    ['truncate', `TRUNCATE webhook_deliveries`],
    ['read the offsets', `SELECT * FROM projector_offsets`],
    ['read the processed event ids', `SELECT * FROM processed_events`],
    ['read the dealers\u2019 sealed secrets', `SELECT * FROM dealer_webhooks`],
    ['read a raw table', `SELECT * FROM displays`],
    ['create a table', `CREATE TABLE callpool.mine (x int)`],
  ])('refuses the analyst to %s', async (_what, statement) => {
    await expect(analyst.query(statement)).rejects.toMatchObject({ code: '42501' });
  });
});
