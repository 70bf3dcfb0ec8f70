import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool, PoolClient } from 'pg';
import { ApiError } from '@callpool/service-kit';

export const BASELINE_SETTINGS = Symbol('BASELINE_SETTINGS');

export interface BaselineSettings {
  databaseUrl: string;
  /** Postgres connections in the pool. */
  poolSize: number;
  sessionIdleSeconds: number;
}

export interface DisplayInput {
  visitorId: string;
  sessionId: string;
  listingId: string;
  context?: {
    source?: string;
    searchTerm?: string;
    referrer?: string;
    landingPage?: string;
    demographics?: Record<string, unknown>;
  };
}

export interface DisplayAnswer {
  number: string;
  pool: 'session' | 'overflow';
  attribution: 'visitor' | 'none';
  expiresAt: string;
}

/**
 * The allocator as most teams would write it: Postgres is the state, one
 * transaction per display, and `FOR UPDATE SKIP LOCKED` hands concurrent
 * requests different free numbers without waiting on each other's row locks.
 */
@Injectable()
export class DisplayRepository implements OnApplicationShutdown {
  private readonly pool: Pool;

  constructor(@Inject(BASELINE_SETTINGS) private readonly settings: BaselineSettings) {
    this.pool = new Pool({
      connectionString: settings.databaseUrl,
      max: settings.poolSize,
      application_name: 'baseline-allocator',
    });
  }

  async display(input: DisplayInput): Promise<DisplayAnswer> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const answer = await this.decide(client, input);
      await client.query('COMMIT');
      return answer;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async decide(client: PoolClient, input: DisplayInput): Promise<DisplayAnswer> {
    const { visitorId, sessionId, listingId } = input;
    const listing = await client.query('SELECT forward_to FROM listings WHERE listing_id = $1', [listingId]);
    if (listing.rowCount === 0) throw new ApiError(404, 'listing_not_found', `no listing ${listingId}`);
    const expiresAt = new Date(Date.now() + this.settings.sessionIdleSeconds * 1000);
    await this.touchSession(client, input);
    const held = await client.query(
      `UPDATE numbers SET expires_at = $3 WHERE session_id = $1 AND listing_id = $2 AND state = 'displayed' RETURNING number`,
      [sessionId, listingId, expiresAt],
    );
    const number = held.rows[0]?.number ?? (await this.takeFree(client, input, expiresAt));
    if (!number)
      return {
        number: listing.rows[0].forward_to,
        pool: 'overflow',
        attribution: 'none',
        expiresAt: expiresAt.toISOString(),
      };
    await client.query(
      `INSERT INTO displays (number, pool, visitor_id, session_id, listing_id, displayed_at) VALUES ($1, 'session', $2, $3, $4, now())`,
      [number, visitorId, sessionId, listingId],
    );
    return { number, pool: 'session', attribution: 'visitor', expiresAt: expiresAt.toISOString() };
  }

  /** The least recently used free number; rows other transactions hold are skipped, not waited for. */
  private async takeFree(
    client: PoolClient,
    { visitorId, sessionId, listingId }: DisplayInput,
    expiresAt: Date,
  ): Promise<string | null> {
    const taken = await client.query(
      `UPDATE numbers SET state = 'displayed', visitor_id = $1, session_id = $2, listing_id = $3, expires_at = $4, last_used_at = now()
       WHERE number = (SELECT number FROM numbers WHERE state = 'available' ORDER BY last_used_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING number`,
      [visitorId, sessionId, listingId, expiresAt],
    );
    return taken.rows[0]?.number ?? null;
  }

  private async touchSession(client: PoolClient, { visitorId, sessionId, context }: DisplayInput): Promise<void> {
    await client.query(
      `INSERT INTO sessions (session_id, visitor_id, started_at, last_seen_at, source, search_term, referrer, landing_page, demographics)
       VALUES ($1, $2, now(), now(), $3, $4, $5, $6, $7)
       ON CONFLICT (session_id) DO UPDATE SET last_seen_at = now(),
         source = COALESCE(sessions.source, excluded.source), search_term = COALESCE(sessions.search_term, excluded.search_term)`,
      [
        sessionId,
        visitorId,
        context?.source ?? null,
        context?.searchTerm ?? null,
        context?.referrer ?? null,
        context?.landingPage ?? null,
        context?.demographics ? JSON.stringify(context.demographics) : null,
      ],
    );
  }

  onApplicationShutdown(): Promise<void> {
    return this.pool.end();
  }
}
