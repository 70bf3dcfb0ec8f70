import { CallpoolEvent } from '@callpool/contracts';
import { NumberFold } from './number-fold';
import { AssignmentRow, NumberLedger, StateIntervalRow, TrackingNumberRow } from './number-ledger';
import { WindowColumn, WindowDeltas } from './rollups/windows';
import { Db, iso, writeRows } from './sql';

/** tracking_numbers, number_assignments and number_state_intervals from the allocation events. */
export async function projectNumbers(db: Db, events: CallpoolEvent[], windows: WindowDeltas): Promise<void> {
  const numbers = [...new Set(events.flatMap(numbersOf))];
  if (numbers.length === 0) return;
  const ledgers = await loadLedgers(db, numbers);
  const openBefore = new Set([...ledgers.values()].map((ledger) => ledger.openInterval?.interval_id));
  const fold = new NumberFold(ledgers);
  for (const event of events) fold.apply(event);
  const { numbers: rows, assignments, intervals } = fold.result();
  await writeRows(db, trackingNumbers, rows.map(toContractState));
  await writeRows(db, numberAssignments, assignments);
  await writeRows(db, stateIntervals, intervals);
  for (const interval of intervals) countInterval(interval, !openBefore.has(interval.interval_id), windows);
}

const POOL_STATES = new Set(['displayed', 'locked', 'available', 'cooling']);

/** pool_health: a state counts from the window its interval opens in until the window it closes in. */
function countInterval(interval: StateIntervalRow, opened: boolean, windows: WindowDeltas): void {
  const column = POOL_STATES.has(interval.state) ? (interval.state as WindowColumn) : null;
  if (opened) {
    windows.add(interval.started_at, 'anchors', 1);
    if (column) windows.add(interval.started_at, column, 1);
  }
  if (interval.ended_at) {
    windows.add(interval.ended_at, 'anchors', 1);
    if (column) windows.add(interval.ended_at, column, -1);
  }
}

function numbersOf(event: CallpoolEvent): string[] {
  switch (event.type) {
    case 'NumberProvisioned':
    case 'NumberCooledDown':
    case 'NumberLocked':
    case 'NumberUnlocked':
    case 'NumberReleased':
    case 'ListingNumberAssigned':
      return [event.data.number];
    case 'NumberDisplayed':
      return event.data.pool === 'session' ? [event.data.number] : [];
    case 'SessionExpired':
      return event.data.numbersCooling.map((cooling) => cooling.number);
    default:
      return [];
  }
}

async function loadLedgers(db: Db, numbers: string[]): Promise<Map<string, NumberLedger>> {
  const ledgers = new Map<string, NumberLedger>(numbers.map((number) => [number, {}]));
  const rows = await db.query('SELECT * FROM tracking_numbers WHERE number = ANY($1)', [numbers]);
  for (const row of rows.rows)
    ledgers.get(row.number)!.row = fromContractState(withIsoTimes(row) as unknown as TrackingNumberRow);
  const open = await db.query('SELECT * FROM number_assignments WHERE number = ANY($1) AND ended_at IS NULL', [
    numbers,
  ]);
  for (const row of open.rows) ledgers.get(row.number)!.openAssignment = withIsoTimes(row) as unknown as AssignmentRow;
  const intervals = await db.query('SELECT * FROM number_state_intervals WHERE number = ANY($1) AND ended_at IS NULL', [
    numbers,
  ]);
  for (const row of intervals.rows)
    ledgers.get(row.number)!.openInterval = withIsoTimes(row) as unknown as StateIntervalRow;
  return ledgers;
}

/**
 * The contract allows five states. A standard listing's own number is shown to
 * every visitor of that listing, so analysts see it as `displayed` with no pool
 * (pool 1 and 2 are visitor holdings); inside the fold it stays `listing`, so
 * pool_health does not count it as a Pool 1 number. `displayed` with a null
 * pool identifies it again on reload.
 */
function toContractState(row: TrackingNumberRow): TrackingNumberRow {
  return row.state === 'listing' ? { ...row, state: 'displayed' } : row;
}

function fromContractState(row: TrackingNumberRow): TrackingNumberRow {
  return row.state === 'displayed' && row.pool === null ? { ...row, state: 'listing' } : row;
}

function withIsoTimes(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([key, value]) => [key, value instanceof Date ? iso(value) : value]),
  );
}

const trackingNumbers = {
  table: 'tracking_numbers',
  columns: `number text, state text, pool integer, visitor_id text, session_id text, listing_id text,
    locked_until timestamptz, provisioned_at timestamptz, released_at timestamptz, twilio_sid text, state_since timestamptz`,
  conflict: `ON CONFLICT (number) DO UPDATE SET state = excluded.state, pool = excluded.pool,
    visitor_id = excluded.visitor_id, session_id = excluded.session_id, listing_id = excluded.listing_id,
    locked_until = excluded.locked_until, provisioned_at = excluded.provisioned_at, released_at = excluded.released_at,
    twilio_sid = excluded.twilio_sid, state_since = excluded.state_since`,
};

const numberAssignments = {
  table: 'number_assignments',
  columns: `assignment_id text, number text, visitor_id text, session_id text, listing_id text, pool integer,
    started_at timestamptz, ended_at timestamptz, end_reason text`,
  conflict: `ON CONFLICT (assignment_id) DO UPDATE SET ended_at = excluded.ended_at, end_reason = excluded.end_reason`,
};

const stateIntervals = {
  table: 'number_state_intervals',
  columns: 'interval_id text, number text, state text, started_at timestamptz, ended_at timestamptz',
  conflict: 'ON CONFLICT (interval_id) DO UPDATE SET ended_at = excluded.ended_at',
};
