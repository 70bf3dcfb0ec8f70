/** A number's rows as the projection keeps them (tracking_numbers, number_assignments, number_state_intervals). */
/** The contract's five states, plus `listing`: a standard-tier listing's own number, outside the pool. */
export type NumberState = 'available' | 'displayed' | 'locked' | 'cooling' | 'released' | 'listing';

export interface TrackingNumberRow {
  number: string;
  state: NumberState;
  pool: 1 | 2 | null;
  visitor_id: string | null;
  session_id: string | null;
  listing_id: string | null;
  locked_until: string | null;
  provisioned_at: string | null;
  released_at: string | null;
  twilio_sid: string | null;
  state_since: string;
}

export interface AssignmentRow {
  assignment_id: string;
  number: string;
  visitor_id: string;
  session_id: string | null;
  listing_id: string;
  pool: 1 | 2;
  started_at: string;
  ended_at: string | null;
  end_reason: string | null;
}

export interface StateIntervalRow {
  interval_id: string;
  number: string;
  state: NumberState;
  started_at: string;
  ended_at: string | null;
}

/** What the fold needs to know about one number: its row and its open stretch and state interval. */
export interface NumberLedger {
  row?: TrackingNumberRow;
  openAssignment?: AssignmentRow;
  openInterval?: StateIntervalRow;
}

export interface Holder {
  visitorId: string;
  sessionId: string | null;
  listingId: string;
}
