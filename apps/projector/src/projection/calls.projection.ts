import { CallpoolEvent, EventOf } from '@callpool/contracts';
import { enqueueDeliveries, lockDealers } from './dealers.projection';
import { Db, writeRows } from './sql';

type Row = Record<string, unknown>;

/**
 * call_records: one row per CallSid. Each call event fills its own columns
 * (received, resolved, completed, dial ended), so they merge in any order; a
 * repeated event of the same kind replaces its columns (later in the
 * partition wins). The attribution is the caller menu's outcome once there is
 * one (CallResolved), else what the call was answered with (CallReceived).
 */
export async function projectCalls(db: Db, events: CallpoolEvent[]): Promise<void> {
  const calls = new Map<string, Row>();
  const call = (callSid: string) => {
    const row = calls.get(callSid) ?? { call_sid: callSid };
    calls.set(callSid, row);
    return row;
  };
  for (const event of events) {
    if (event.type === 'CallReceived') received(call(event.data.callSid), event);
    else if (event.type === 'CallResolved') resolved(call(event.data.callSid), event);
    else if (event.type === 'CallCompleted')
      Object.assign(call(event.data.callSid), {
        status: event.data.status,
        duration_s: event.data.durationS,
        completed_at: event.occurredAt,
      });
    else if (event.type === 'DealerDialEnded')
      Object.assign(call(event.data.callSid), {
        dial_status: event.data.dialCallStatus,
        dial_duration_s: event.data.dialDurationS,
        answered: event.data.answered,
        dial_ended_at: event.occurredAt,
      });
  }
  await writeRows(db, callRecords, [...calls.values()]);
  await notifyDealers(db, [...calls.keys()]);
}

/** Completed calls of dealers with a webhook get their delivery row in this transaction (once per call_sid). */
async function notifyDealers(db: Db, callSids: string[]): Promise<void> {
  const completed = await db.query(
    `SELECT DISTINCT dealer_id FROM call_records
     WHERE call_sid = ANY($1) AND completed_at IS NOT NULL AND started_at IS NOT NULL AND dealer_id IS NOT NULL`,
    [callSids],
  );
  if (completed.rowCount === 0) return;
  await lockDealers(
    db,
    completed.rows.map((row) => row.dealer_id as string),
  );
  await enqueueDeliveries(db, 'c.call_sid = ANY($1) AND c.completed_at IS NOT NULL', [callSids]);
}

function received(row: Row, { data: d }: EventOf<'CallReceived'>): void {
  Object.assign(row, {
    tracking_number: d.trackingNumber,
    caller: d.caller,
    started_at: d.startedAt,
    holder_state: d.holderState,
    candidates: d.candidates ?? null,
  });
  if (row.resolved_at) return; // the caller's choice stands
  Object.assign(row, attributionOf(d), { resolved_by: d.resolvedBy ?? null });
}

function resolved(row: Row, event: EventOf<'CallResolved'>): void {
  const d = event.data;
  Object.assign(row, attributionOf(d), {
    resolved_by: d.resolvedBy,
    menu_digit: d.digit ?? null,
    resolved_at: event.occurredAt,
  });
}

function attributionOf(d: EventOf<'CallReceived' | 'CallResolved'>['data']): Row {
  return {
    attribution: d.attribution,
    confidence: d.confidence,
    visitor_id: d.visitorId,
    session_id: d.sessionId,
    listing_id: d.listingId,
    dealer_id: d.dealerId,
    routed_to: d.routedTo,
  };
}

const columns = [
  'call_sid text',
  'tracking_number text',
  'caller text',
  'started_at timestamptz',
  'holder_state text',
  'candidates integer',
  'attribution text',
  'confidence numeric',
  'visitor_id text',
  'session_id text',
  'listing_id text',
  'dealer_id text',
  'routed_to text',
  'resolved_by text',
  'menu_digit text',
  'resolved_at timestamptz',
  'status text',
  'duration_s integer',
  'completed_at timestamptz',
  'dial_status text',
  'dial_duration_s integer',
  'answered boolean',
  'dial_ended_at timestamptz',
];
const name = (column: string) => column.split(' ')[0];
const receivedColumns = columns.slice(1, 6).map(name);
const attributionColumns = columns.slice(6, 14).map(name);
const resolutionColumns = columns.slice(14, 16).map(name);

const callRecords = {
  table: 'call_records',
  columns: columns.join(', '),
  conflict: `ON CONFLICT (call_sid) DO UPDATE SET ${columns
    .slice(1)
    .map(name)
    .map((column) => `${column} = ${mergeOf(column)}`)
    .join(', ')}`,
};

/**
 * Columns of one kind of event arrive together and are replaced as a group (a
 * nullable visitor_id must not survive a newer event); the absent kinds stay.
 * The attribution is the resolution's whenever there is one, in either order.
 */
function mergeOf(column: string): string {
  const keep = `t.${column}`;
  const take = `excluded.${column}`;
  if (attributionColumns.includes(column))
    return `CASE WHEN excluded.resolved_at IS NOT NULL THEN ${take}
                 WHEN excluded.started_at IS NOT NULL AND t.resolved_at IS NULL THEN ${take} ELSE ${keep} END`;
  const group = receivedColumns.includes(column)
    ? 'started_at'
    : resolutionColumns.includes(column)
      ? 'resolved_at'
      : column === 'status' || column === 'duration_s' || column === 'completed_at'
        ? 'completed_at'
        : 'dial_ended_at';
  return `CASE WHEN excluded.${group} IS NOT NULL THEN ${take} ELSE ${keep} END`;
}
