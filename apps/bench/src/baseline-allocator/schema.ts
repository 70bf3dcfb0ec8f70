import { Client } from 'pg';

/**
 * The tables a team would start from: numbers with their current holder,
 * sessions with a sliding last_seen_at, and an append-only displays log (the
 * durable record of each answer, as the real allocator's NumberDisplayed).
 */
const TABLES = [
  `CREATE TABLE IF NOT EXISTS listings (
     listing_id text PRIMARY KEY, dealer_id text NOT NULL, forward_to text NOT NULL, tier text NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS numbers (
     number text PRIMARY KEY,
     state text NOT NULL DEFAULT 'available' CHECK (state IN ('available', 'displayed', 'cooling')),
     visitor_id text, session_id text, listing_id text, expires_at timestamptz,
     last_used_at timestamptz NOT NULL DEFAULT 'epoch')`,
  `CREATE INDEX IF NOT EXISTS numbers_free ON numbers (last_used_at) WHERE state = 'available'`,
  // One number per (session, listing) while displayed: two racing first displays cannot both win.
  `CREATE UNIQUE INDEX IF NOT EXISTS numbers_holder ON numbers (session_id, listing_id) WHERE state = 'displayed'`,
  `CREATE TABLE IF NOT EXISTS sessions (
     session_id text PRIMARY KEY, visitor_id text NOT NULL, started_at timestamptz NOT NULL, last_seen_at timestamptz NOT NULL,
     source text, search_term text, referrer text, landing_page text, demographics jsonb)`,
  `CREATE TABLE IF NOT EXISTS displays (
     id bigserial PRIMARY KEY, number text NOT NULL, pool text NOT NULL, visitor_id text NOT NULL, session_id text NOT NULL,
     listing_id text NOT NULL, displayed_at timestamptz NOT NULL)`,
];

export async function createBaselineSchema(databaseUrl: string): Promise<void> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    for (const statement of TABLES) await client.query(statement);
  } finally {
    await client.end();
  }
}

/** Fills the pool with `count` free numbers and registers the listings (premium, one dealer line each). */
export async function seedBaseline(
  databaseUrl: string,
  numbers: string[],
  listings: Array<{ listingId: string; dealerId: string; forwardTo: string }>,
) {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('INSERT INTO numbers (number) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING', [numbers]);
    await client.query(
      `INSERT INTO listings (listing_id, dealer_id, forward_to, tier)
       SELECT l, d, f, 'premium' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(l, d, f) ON CONFLICT DO NOTHING`,
      [listings.map((l) => l.listingId), listings.map((l) => l.dealerId), listings.map((l) => l.forwardTo)],
    );
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
}
