import { CallpoolEvent } from '@callpool/contracts';
import { Db, writeRows } from './sql';

/**
 * call_records: one row per CallSid. Each call event fills its own columns
 * (received, completed, dial ended), so they merge in any order; a repeated
 * event of the same kind replaces its columns (later in the partition wins).
 */
export async function projectCalls(db: Db, events: CallpoolEvent[]): Promise<void> {
  const calls = new Map<string, Record<string, unknown>>();
  const call = (callSid: string) => {
    const row = calls.get(callSid) ?? { call_sid: callSid };
    calls.set(callSid, row);
    return row;
  };
  for (const event of events) {
    if (event.type === 'CallReceived') {
      const d = event.data;
      Object.assign(call(d.callSid), {
        tracking_number: d.trackingNumber,
        caller: d.caller,
        started_at: d.startedAt,
        attribution: d.attribution,
        confidence: d.confidence,
        holder_state: d.holderState,
        visitor_id: d.visitorId,
        session_id: d.sessionId,
        listing_id: d.listingId,
        dealer_id: d.dealerId,
        routed_to: d.routedTo,
      });
    } else if (event.type === 'CallCompleted') {
      Object.assign(call(event.data.callSid), {
        status: event.data.status,
        duration_s: event.data.durationS,
        completed_at: event.occurredAt,
      });
    } else if (event.type === 'DealerDialEnded') {
      Object.assign(call(event.data.callSid), {
        dial_status: event.data.dialCallStatus,
        dial_duration_s: event.data.dialDurationS,
        answered: event.data.answered,
        dial_ended_at: event.occurredAt,
      });
    }
  }
  await writeRows(db, callRecords, [...calls.values()]);
}

const columns = [
  'call_sid text',
  'tracking_number text',
  'caller text',
  'started_at timestamptz',
  'attribution text',
  'confidence numeric',
  'holder_state text',
  'visitor_id text',
  'session_id text',
  'listing_id text',
  'dealer_id text',
  'routed_to text',
  'status text',
  'duration_s integer',
  'completed_at timestamptz',
  'dial_status text',
  'dial_duration_s integer',
  'answered boolean',
  'dial_ended_at timestamptz',
];

/** Columns of one kind of event arrive together; the absent kinds stay as they were. */
const receivedColumns = columns.slice(1, 12).map((c) => c.split(' ')[0]);
const callRecords = {
  table: 'call_records',
  columns: columns.join(', '),
  conflict: `ON CONFLICT (call_sid) DO UPDATE SET ${columns
    .slice(1)
    .map((c) => c.split(' ')[0])
    .map((name) => `${name} = ${mergeOf(name)}`)
    .join(', ')}`,
};

/** Received columns are replaced as a group (a nullable visitor_id must not survive a newer CallReceived). */
function mergeOf(name: string): string {
  const group = receivedColumns.includes(name)
    ? 'started_at'
    : name === 'status' || name === 'duration_s' || name === 'completed_at'
      ? 'completed_at'
      : 'dial_ended_at';
  return `CASE WHEN excluded.${group} IS NOT NULL THEN excluded.${name} ELSE t.${name} END`;
}
