import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { handMadeHistory, N1, N2, N3, N4 } from '../test-support/hand-made-history';
import { caughtUp, projectorConfig, query, snapshot, TestPublisher } from '../test-support/harness';
import { RunningProjector, startProjector } from './projector';

/**
 * One projector over a hand-made history with hand-computed expectations;
 * then redeliveries and malformed messages against the same database.
 */
describe('projector', () => {
  const prefix = uniqueTopicPrefix('projector');
  const publisher = new TestPublisher(prefix);
  let databaseUrl: string;
  let running: RunningProjector;

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('projector');
    await publisher.connect();
    await publisher.history(handMadeHistory());
    running = await startProjector({ config: projectorConfig(prefix, databaseUrl, { PROJECTOR_BATCH_SIZE: '4' }) });
    await caughtUp(running);
  }, 40000);

  afterAll(async () => {
    await running?.close();
    await publisher.disconnect();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('answers the dealer questions of listing_performance', async () => {
    const rows = await query(databaseUrl, 'SELECT * FROM callpool.listing_performance ORDER BY listing_id');
    expect(rows).toEqual([
      {
        listing_id: 'L-1',
        dealer_id: 'D-1',
        displays: 4,
        unique_visitors: 3,
        calls: 3,
        unique_callers: 2,
        answered_calls: 2,
        avg_duration_s: '90.0',
        visitors_without_call: 1,
        tier: 'premium',
        sold_at: new Date('2030-01-01T10:21:00Z'),
      },
      {
        listing_id: 'L-2',
        dealer_id: 'D-2',
        displays: 1,
        unique_visitors: 1,
        calls: 0,
        unique_callers: 0,
        answered_calls: 0,
        avg_duration_s: null,
        visitors_without_call: 1,
        tier: 'premium',
        sold_at: null,
      },
    ]);
  });

  it('gives pool_health per 10-minute UTC window from the events alone', async () => {
    const rows = await query(
      databaseUrl,
      `SELECT to_char(window_start AT TIME ZONE 'UTC', 'HH24:MI') AS w, concurrent_sessions, displayed, locked, available,
              overflow_displays, utilisation::float AS utilisation FROM callpool.pool_health ORDER BY window_start`,
    );
    expect(rows).toEqual([
      {
        w: '09:50',
        concurrent_sessions: 0,
        displayed: 0,
        locked: 0,
        available: 4,
        overflow_displays: 0,
        utilisation: 0,
      },
      {
        w: '10:00',
        concurrent_sessions: 3,
        displayed: 1,
        locked: 2,
        available: 1,
        overflow_displays: 1,
        utilisation: 0.75,
      },
      {
        w: '10:10',
        concurrent_sessions: 3,
        displayed: 0,
        locked: 2,
        available: 2,
        overflow_displays: 0,
        utilisation: 0.5,
      },
      {
        w: '10:20',
        concurrent_sessions: 0,
        displayed: 0,
        locked: 0,
        available: 1,
        overflow_displays: 0,
        utilisation: 0,
      },
    ]);
  });

  it('keeps each number current and every stretch it was held', async () => {
    const numbers = await query(
      databaseUrl,
      'SELECT number, state, pool, visitor_id, listing_id FROM callpool.tracking_numbers ORDER BY number',
    );
    expect(numbers).toEqual([
      { number: N1, state: 'cooling', pool: null, visitor_id: 'v-1', listing_id: 'L-1' },
      { number: N2, state: 'available', pool: null, visitor_id: 'v-1', listing_id: 'L-2' },
      { number: N3, state: 'cooling', pool: null, visitor_id: 'v-2', listing_id: 'L-1' },
      { number: N4, state: 'released', pool: null, visitor_id: null, listing_id: null },
    ]);
    const stretches = await query(
      databaseUrl,
      `SELECT number, visitor_id, pool, to_char(started_at AT TIME ZONE 'UTC', 'HH24:MI') AS s,
              to_char(ended_at AT TIME ZONE 'UTC', 'HH24:MI') AS e, end_reason
       FROM callpool.number_assignments ORDER BY number, started_at`,
    );
    expect(stretches).toEqual([
      { number: N1, visitor_id: 'v-1', pool: 1, s: '10:01', e: '10:06', end_reason: 'called' },
      { number: N1, visitor_id: 'v-1', pool: 2, s: '10:06', e: '10:21', end_reason: 'listing_sold' },
      { number: N2, visitor_id: 'v-1', pool: 1, s: '10:02', e: '10:14', end_reason: 'session_expired' },
      { number: N3, visitor_id: 'v-2', pool: 1, s: '10:03', e: '10:07', end_reason: 'called' },
      { number: N3, visitor_id: 'v-2', pool: 2, s: '10:07', e: '10:21', end_reason: 'listing_sold' },
    ]);
  });

  it('joins calls with the context of the caller session', async () => {
    const sessions = await query(
      databaseUrl,
      `SELECT session_id, source, search_term, demographics, listings_viewed, started_at, expired_at
       FROM callpool.visitor_sessions ORDER BY session_id`,
    );
    expect(sessions[0]).toEqual({
      session_id: 's-1',
      source: 'google',
      search_term: 'used civic',
      demographics: { ageBand: '25-34', region: 'CA' },
      listings_viewed: 2,
      started_at: new Date('2030-01-01T10:00:30Z'),
      expired_at: new Date('2030-01-01T10:14:00Z'),
    });
    const calls = await query(
      databaseUrl,
      'SELECT call_sid, status, duration_s, answered, source, landing_page, confidence FROM callpool.calls ORDER BY call_sid',
    );
    expect(calls).toEqual([
      {
        call_sid: 'CA1',
        status: 'completed',
        duration_s: 120,
        answered: true,
        source: 'google',
        landing_page: '/cars/L-1',
        confidence: '1',
      },
      {
        call_sid: 'CA2',
        status: 'completed',
        duration_s: 30,
        answered: false,
        source: 'direct',
        landing_page: '/cars/L-1',
        confidence: '1',
      },
      {
        call_sid: 'CA3',
        status: 'completed',
        duration_s: 60,
        answered: true,
        source: 'google',
        landing_page: '/cars/L-1',
        confidence: '1',
      },
    ]);
  });

  it('changes nothing when the same events are delivered again', async () => {
    const before = await snapshot(databaseUrl);
    await publisher.history(handMadeHistory());
    await caughtUp(running);
    const after = await snapshot(databaseUrl);
    expect(after.projector_offsets).not.toEqual(before.projector_offsets);
    expect({ ...after, projector_offsets: [] }).toEqual({ ...before, projector_offsets: [] });
  });

  it('dead-letters a malformed message and projects the next good one', async () => {
    await publisher.raw('webEvents', '{not json');
    await publisher.raw(
      'webEvents',
      JSON.stringify({
        id: 'x-1',
        type: 'NoSuchEvent',
        schemaVersion: 1,
        occurredAt: '2030-01-01T11:00:00Z',
        data: {},
        metadata: { correlationId: 'c', producer: 'p' },
      }),
    );
    const good = handMadeHistory('late').webEvents[0];
    await publisher.events('webEvents', [good]);
    await caughtUp(running);
    const dead = await query(
      databaseUrl,
      'SELECT error, payload, topic, "offset", event_id, type FROM callpool.dead_letters ORDER BY "offset"',
    );
    expect(dead.map((row) => [row.error, row.payload, row.event_id, row.type])).toEqual([
      ['value is not JSON', '{not json', null, null],
      ['unknown event type NoSuchEvent', expect.stringContaining('NoSuchEvent'), 'x-1', 'NoSuchEvent'],
    ]);
    expect(dead[0].topic).toBe(`${prefix}callpool.web-events`);
    const views = await query(databaseUrl, 'SELECT event_id FROM callpool.page_views WHERE event_id = $1', [good.id]);
    expect(views).toHaveLength(1);
  });

  it('dead-letters a valid event Postgres refuses (a lone surrogate) and projects the events around it', async () => {
    const [before] = handMadeHistory('poison-before').webEvents;
    const [after] = handMadeHistory('poison-after').webEvents;
    const poison = { ...handMadeHistory('poison').webEvents[1] };
    poison.data = { ...poison.data, url: '/cars/L-1?q=\ud800' } as typeof poison.data;
    // One send, so the three arrive in one chunk: the poison must not take its neighbours down with it.
    await publisher.raw(
      'webEvents',
      [before, poison, after].map((event) => JSON.stringify(event)),
    );
    await caughtUp(running);
    const dead = await query(
      databaseUrl,
      'SELECT event_id, type, error, payload, recorded_at FROM callpool.dead_letters WHERE event_id = $1',
      [poison.id],
    );
    expect(dead).toEqual([
      {
        event_id: poison.id,
        type: 'PageViewed',
        error: expect.stringMatching(/^Postgres refused the event: .*SQLSTATE 22/),
        payload: expect.stringContaining('\\ud800'),
        recorded_at: expect.any(Date),
      },
    ]);
    const views = await query(databaseUrl, 'SELECT event_id FROM callpool.page_views WHERE event_id = ANY($1)', [
      [before.id, poison.id, after.id],
    ]);
    expect(views.map((row) => row.event_id).sort()).toEqual([before.id, after.id].sort());
  });

  it('reports health and metrics', async () => {
    const health = await fetch(`${running.url}/health`);
    expect(health.status).toBe(200);
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/callpool_projector_events_total\{topic="[^"]+callpool.allocations"\} 22/);
    expect(metrics).toMatch(/callpool_projector_dead_letters_total\{topic="[^"]+callpool.web-events"\} 3/);
    expect(metrics).toMatch(/callpool_projector_lag_messages\{[^}]+\} 0/);
  });

  it('runs every query of docs/analytics.md as the read-only analyst, each with rows', async () => {
    const doc = readFileSync(join(__dirname, '../../../docs/analytics.md'), 'utf8');
    const blocks = [...doc.matchAll(/```sql\n([\s\S]*?)```/g)].map((match) => match[1]);
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      for (const sql of blocks) {
        await client.query('BEGIN');
        await client.query('SET LOCAL ROLE callpool_analyst');
        const result = await client.query(sql).catch((error: Error) => {
          throw new Error(`${error.message} in:\n${sql}`);
        });
        await client.query('ROLLBACK');
        expect({ sql, rows: result.rowCount }).toEqual({ sql, rows: expect.any(Number) });
        expect({ sql, empty: result.rowCount === 0 }).toEqual({ sql, empty: false });
      }
    } finally {
      await client.end();
    }
  });
});
