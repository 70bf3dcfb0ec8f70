import { Pool } from 'pg';
import { CallDriver } from '@callpool/call-driver';
import { DemoConfig } from './config';
import { CALL_COLUMNS, CallRow } from './pages';

const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * The demo's phone: plays Twilio through the call driver (signed voice,
 * dial-status and status webhooks to call-ingest), then reads the
 * attributed row back from the analysts' `calls` table.
 */
export class DemoCalls {
  private readonly driver: CallDriver;
  private readonly db: Pool;

  constructor(config: DemoConfig) {
    this.driver = new CallDriver({
      baseUrl: config.callIngestUrl,
      publicBaseUrl: config.PUBLIC_BASE_URL,
      authToken: config.TWILIO_AUTH_TOKEN,
      accountSid: config.TWILIO_ACCOUNT_SID,
    });
    this.db = new Pool({ connectionString: config.DATABASE_URL, max: 2 });
  }

  /** A visitor calls the number on the page; the dealer answers and talks for 42 seconds. */
  async place(input: { to?: unknown; from?: unknown }): Promise<{ callSid: string; dialled: string | null }> {
    if (
      typeof input.to !== 'string' ||
      !E164.test(input.to) ||
      typeof input.from !== 'string' ||
      !E164.test(input.from)
    )
      throw new Error('to and from must be E.164 numbers');
    const placed = await this.driver.fullCall({ from: input.from, to: input.to, answered: true, durationS: 42 });
    if (placed.status !== 200) throw new Error(`call-ingest answered ${placed.status}`);
    return { callSid: placed.callSid, dialled: placed.dial?.number ?? null };
  }

  async recent(limit = 25): Promise<CallRow[]> {
    const sql = `select ${CALL_COLUMNS.join(', ')} from calls order by started_at desc limit $1`;
    return (await this.db.query(sql, [limit])).rows;
  }

  async byCallSid(callSid: string): Promise<CallRow | undefined> {
    const sql = `select ${CALL_COLUMNS.join(', ')} from calls where call_sid = $1`;
    return (await this.db.query(sql, [callSid])).rows[0];
  }

  close(): Promise<void> {
    return this.db.end();
  }
}
