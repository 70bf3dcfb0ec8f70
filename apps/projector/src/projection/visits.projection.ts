import { CallpoolEvent, EventOf, VisitorContext } from '@callpool/contracts';
import { RollupBatch } from './rollups/rollup-batch';
import { writeSessions } from './session-spans';
import { Db, writeRows, writeRowsReturning } from './sql';

/**
 * displays, page_views, session_listings and sessions. Sessions are touched by
 * two topics (displays and expiries on allocations, page views on web-events),
 * so every column merges order-independently: earliest start, latest sighting,
 * latest expiry. The context arrives only with displays, where first wins.
 */
export async function projectVisits(db: Db, events: CallpoolEvent[], rollups: RollupBatch): Promise<void> {
  const displays = events.filter((e): e is EventOf<'NumberDisplayed'> => e.type === 'NumberDisplayed');
  const pageViews = events.filter((e): e is EventOf<'PageViewed'> => e.type === 'PageViewed');
  rollups.displaysInserted(
    await writeRowsReturning(
      db,
      displayTable,
      displays.map(displayRow),
      't.listing_id, t.visitor_id, t.dealer_id, t.pool, t.displayed_at',
    ),
  );
  await writeRows(db, sessionListings, firstDisplays(displays));
  await writeRows(db, pageViewTable, pageViews.map(pageViewRow));
  await writeSessions(db, sessionTable, foldSessions(events), rollups.windows);
}

export interface SessionRow {
  session_id: string;
  visitor_id: string;
  started_at: string;
  last_seen_at: string;
  last_expired_at: string | null;
  source?: string;
  search_term?: string;
  referrer?: string;
  landing_page?: string;
  demographics?: Record<string, unknown>;
}

/**
 * One row per session for the whole batch (one statement cannot update a row
 * twice), in session id order: batches of two topics upsert sessions at the
 * same time, and locking rows in one order is what keeps them from deadlocking.
 */
export function foldSessions(events: CallpoolEvent[]): SessionRow[] {
  const sessions = new Map<string, SessionRow>();
  const sighting = (sessionId: string, visitorId: string, at: string): SessionRow => {
    const row = sessions.get(sessionId) ?? {
      session_id: sessionId,
      visitor_id: visitorId,
      started_at: at,
      last_seen_at: at,
      last_expired_at: null,
    };
    if (before(at, row.started_at)) row.started_at = at;
    if (before(row.last_seen_at, at)) row.last_seen_at = at;
    sessions.set(sessionId, row);
    return row;
  };
  for (const event of events) {
    if (event.type === 'NumberDisplayed') {
      mergeContext(sighting(event.data.sessionId, event.data.visitorId, event.occurredAt), event.data.context);
    } else if (event.type === 'PageViewed') {
      sighting(event.data.sessionId, event.data.visitorId, event.occurredAt);
    } else if (event.type === 'SessionExpired') {
      const row = sighting(event.data.sessionId, event.data.visitorId, event.data.lastSeenAt);
      if (!row.last_expired_at || before(row.last_expired_at, event.occurredAt)) row.last_expired_at = event.occurredAt;
    }
  }
  return [...sessions.values()].sort((a, b) =>
    a.session_id < b.session_id ? -1 : a.session_id > b.session_id ? 1 : 0,
  );
}

function mergeContext(row: SessionRow, context: VisitorContext | undefined): void {
  if (!context) return;
  row.source ??= context.source;
  row.search_term ??= context.searchTerm;
  row.referrer ??= context.referrer;
  row.landing_page ??= context.landingPage;
  if (context.demographics) row.demographics = { ...context.demographics, ...row.demographics };
}

/** Events may carry any ISO offset or precision, so instants are compared, not strings. */
function before(a: string, b: string): boolean {
  return Date.parse(a) < Date.parse(b);
}

function firstDisplays(displays: EventOf<'NumberDisplayed'>[]) {
  const first = new Map<string, { session_id: string; listing_id: string; first_displayed_at: string }>();
  for (const { data, occurredAt } of displays) {
    const key = `${data.sessionId}\u0000${data.listingId}`;
    const seen = first.get(key);
    if (!seen || before(occurredAt, seen.first_displayed_at))
      first.set(key, { session_id: data.sessionId, listing_id: data.listingId, first_displayed_at: occurredAt });
  }
  return [...first.values()];
}

function displayRow({ id, data, occurredAt }: EventOf<'NumberDisplayed'>) {
  return {
    event_id: id,
    number: data.number,
    pool: data.pool,
    attribution: data.attribution,
    visitor_id: data.visitorId,
    session_id: data.sessionId,
    listing_id: data.listingId,
    dealer_id: data.dealerId,
    displayed_at: occurredAt,
    expires_at: data.expiresAt,
    assignment_started: data.assignmentStarted,
    overflow_reason: data.overflowReason ?? null,
  };
}

function pageViewRow({ id, data, occurredAt }: EventOf<'PageViewed'>) {
  return {
    event_id: id,
    session_id: data.sessionId,
    visitor_id: data.visitorId,
    listing_id: data.listingId ?? null,
    url: data.url,
    action: data.action,
    viewed_at: occurredAt,
  };
}

const displayTable = {
  table: 'displays',
  columns: `event_id text, number text, pool text, attribution text, visitor_id text, session_id text, listing_id text,
    dealer_id text, displayed_at timestamptz, expires_at timestamptz, assignment_started boolean, overflow_reason text`,
  conflict: 'ON CONFLICT (event_id) DO NOTHING',
};

const sessionListings = {
  table: 'session_listings',
  columns: 'session_id text, listing_id text, first_displayed_at timestamptz',
  conflict: `ON CONFLICT (session_id, listing_id) DO UPDATE
    SET first_displayed_at = LEAST(t.first_displayed_at, excluded.first_displayed_at)`,
};

const pageViewTable = {
  table: 'page_views',
  columns:
    'event_id text, session_id text, visitor_id text, listing_id text, url text, action text, viewed_at timestamptz',
  conflict: 'ON CONFLICT (event_id) DO NOTHING',
};

export const sessionTable = {
  table: 'sessions',
  columns: `session_id text, visitor_id text, started_at timestamptz, last_seen_at timestamptz, last_expired_at timestamptz,
    source text, search_term text, referrer text, landing_page text, demographics jsonb`,
  conflict: `ON CONFLICT (session_id) DO UPDATE SET
    started_at = LEAST(t.started_at, excluded.started_at),
    last_seen_at = GREATEST(t.last_seen_at, excluded.last_seen_at),
    last_expired_at = GREATEST(t.last_expired_at, excluded.last_expired_at),
    source = COALESCE(t.source, excluded.source),
    search_term = COALESCE(t.search_term, excluded.search_term),
    referrer = COALESCE(t.referrer, excluded.referrer),
    landing_page = COALESCE(t.landing_page, excluded.landing_page),
    demographics = CASE WHEN excluded.demographics IS NULL THEN t.demographics
                        ELSE excluded.demographics || COALESCE(t.demographics, '{}'::jsonb) END`,
};
