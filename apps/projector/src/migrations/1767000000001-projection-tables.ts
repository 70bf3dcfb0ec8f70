import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The projector's own tables. Contract relations that depend on more than one
 * topic (visitor_sessions, calls, ...) are views over these (next migration),
 * because the topics are replayed in any interleaving and a view gives the
 * same answer whatever order the rows arrived in.
 */
export class ProjectionTables1767000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    for (const statement of bookkeeping.concat(numbers, visits, callsAndListings)) await runner.query(statement);
  }

  async down(runner: QueryRunner): Promise<void> {
    const tables = [
      'call_records',
      'listings',
      'page_views',
      'session_listings',
      'sessions',
      'displays',
      'number_state_intervals',
      'number_assignments',
      'tracking_numbers',
      'dead_letters',
      'processed_events',
      'projector_offsets',
      'projector_generation',
    ];
    for (const table of tables) await runner.query(`DROP TABLE IF EXISTS ${table}`);
  }
}

const bookkeeping = [
  // Changes on every rebuild: a running projector that sees another value knows its schema was swapped.
  `CREATE TABLE projector_generation (
     singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
     generation uuid NOT NULL DEFAULT gen_random_uuid(),
     created_at timestamptz NOT NULL DEFAULT now())`,
  `INSERT INTO projector_generation DEFAULT VALUES`,
  `CREATE TABLE projector_offsets (
     topic text NOT NULL, partition integer NOT NULL, next_offset bigint NOT NULL,
     PRIMARY KEY (topic, partition))`,
  `CREATE TABLE processed_events (
     event_id text PRIMARY KEY, event_type text NOT NULL, topic text NOT NULL, partition integer NOT NULL,
     "offset" bigint NOT NULL, occurred_at timestamptz NOT NULL)`,
  `CREATE TABLE dead_letters (
     topic text NOT NULL, partition integer NOT NULL, "offset" bigint NOT NULL,
     reason text NOT NULL, payload text NOT NULL, at timestamptz NOT NULL,
     PRIMARY KEY (topic, partition, "offset"))`,
];

const numbers = [
  `CREATE TABLE tracking_numbers (
     number text PRIMARY KEY,
     state text NOT NULL CHECK (state IN ('available', 'displayed', 'locked', 'cooling', 'released', 'listing')),
     pool integer CHECK (pool IN (1, 2)),
     visitor_id text, session_id text, listing_id text,
     locked_until timestamptz, provisioned_at timestamptz, released_at timestamptz,
     twilio_sid text, state_since timestamptz NOT NULL)`,
  `CREATE INDEX tracking_numbers_state ON tracking_numbers (state)`,
  `CREATE INDEX tracking_numbers_listing ON tracking_numbers (listing_id)`,
  `CREATE TABLE number_assignments (
     assignment_id text PRIMARY KEY, number text NOT NULL,
     visitor_id text NOT NULL, session_id text, listing_id text NOT NULL,
     pool integer NOT NULL CHECK (pool IN (1, 2)),
     started_at timestamptz NOT NULL, ended_at timestamptz, end_reason text)`,
  `CREATE INDEX number_assignments_open ON number_assignments (number) WHERE ended_at IS NULL`,
  `CREATE INDEX number_assignments_number ON number_assignments (number, started_at)`,
  `CREATE INDEX number_assignments_listing ON number_assignments (listing_id, started_at)`,
  `CREATE INDEX number_assignments_visitor ON number_assignments (visitor_id)`,
  `CREATE TABLE number_state_intervals (
     interval_id text PRIMARY KEY, number text NOT NULL, state text NOT NULL,
     started_at timestamptz NOT NULL, ended_at timestamptz)`,
  `CREATE INDEX number_state_intervals_open ON number_state_intervals (number) WHERE ended_at IS NULL`,
];

const visits = [
  `CREATE TABLE displays (
     event_id text PRIMARY KEY, number text NOT NULL, pool text NOT NULL, attribution text NOT NULL,
     visitor_id text NOT NULL, session_id text NOT NULL, listing_id text NOT NULL, dealer_id text,
     displayed_at timestamptz NOT NULL, expires_at timestamptz, assignment_started boolean NOT NULL)`,
  `CREATE INDEX displays_listing_visitor ON displays (listing_id, visitor_id)`,
  `CREATE INDEX displays_session ON displays (session_id)`,
  `CREATE INDEX displays_at ON displays (displayed_at)`,
  `CREATE TABLE sessions (
     session_id text PRIMARY KEY, visitor_id text NOT NULL,
     started_at timestamptz NOT NULL, last_seen_at timestamptz NOT NULL, last_expired_at timestamptz,
     source text, search_term text, referrer text, landing_page text, demographics jsonb)`,
  `CREATE INDEX sessions_visitor ON sessions (visitor_id, started_at)`,
  `CREATE INDEX sessions_source ON sessions (source)`,
  `CREATE TABLE session_listings (
     session_id text NOT NULL, listing_id text NOT NULL, first_displayed_at timestamptz NOT NULL,
     PRIMARY KEY (session_id, listing_id))`,
  `CREATE TABLE page_views (
     event_id text PRIMARY KEY, session_id text NOT NULL, visitor_id text NOT NULL, listing_id text,
     url text NOT NULL, action text NOT NULL, viewed_at timestamptz NOT NULL)`,
  `CREATE INDEX page_views_session ON page_views (session_id, viewed_at)`,
  `CREATE INDEX page_views_visitor ON page_views (visitor_id, viewed_at)`,
  `CREATE INDEX page_views_listing ON page_views (listing_id)`,
];

const callsAndListings = [
  `CREATE TABLE call_records (
     call_sid text PRIMARY KEY, tracking_number text, caller text, started_at timestamptz,
     attribution text, confidence numeric, holder_state text,
     visitor_id text, session_id text, listing_id text, dealer_id text, routed_to text,
     status text, duration_s integer, completed_at timestamptz,
     dial_status text, dial_duration_s integer, answered boolean, dial_ended_at timestamptz)`,
  `CREATE INDEX call_records_listing ON call_records (listing_id, started_at)`,
  `CREATE INDEX call_records_visitor ON call_records (visitor_id)`,
  `CREATE INDEX call_records_session ON call_records (session_id)`,
  `CREATE INDEX call_records_started ON call_records (started_at)`,
  `CREATE TABLE listings (
     listing_id text PRIMARY KEY, dealer_id text, forward_to text, tier text, listing_number text,
     registered_at timestamptz, updated_at timestamptz, sold_at timestamptz)`,
  `CREATE INDEX listings_dealer ON listings (dealer_id)`,
];
