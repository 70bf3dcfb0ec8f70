import { CallTiming } from '../model';
import { CallCategory, CallOutcome } from '../runner/truth';
import { Lateness, latenessOf } from './lateness';
import { ProjectedCall } from './projection';

export interface AttributionRow {
  calls: number;
  rightVisitor: number;
  wrongVisitor: number;
  unattributed: number;
  listingLevel: number;
  notProjected: number;
  wrongDealer: number;
  mainLine: number;
  shares: { rightVisitor: number; wrongVisitor: number; unattributed: number; wrongDealer: number };
}

export type AttributionTable = Record<CallCategory | 'all', AttributionRow>;

/** A call during the session or on Pool 2 that did not reach its caller's record: what the simulator knew about it. */
export interface Anomaly {
  callSid: string;
  category: CallCategory;
  timing: CallTiming;
  at: string;
  visitorId: string;
  listingId: string;
  dialled: string;
  shown: { pool: string; at: string; sessionId: string };
  projected: Pick<ProjectedCall, 'attribution' | 'visitor_id' | 'listing_id'> | null;
}

/** Visitor-level calls (listing-level ones left out) by when the model timed them. */
export type TimingTable = Record<CallTiming, AttributionRow>;

/** After-session calls by how long after the session ended they came. */
export type LatenessTable = Record<Lateness, AttributionRow>;

const emptyRow = (): AttributionRow => ({
  calls: 0,
  rightVisitor: 0,
  wrongVisitor: 0,
  unattributed: 0,
  listingLevel: 0,
  notProjected: 0,
  wrongDealer: 0,
  mainLine: 0,
  shares: { rightVisitor: 0, wrongVisitor: 0, unattributed: 0, wrongDealer: 0 },
});

/**
 * Each call the simulator placed, judged against what the projector wrote
 * and what the TwiML rang. A call counted as Pool 2 only because the visitor
 * had called the same number before stays Pool 2 only if that earlier call
 * was put down to them (else the number was never locked to them).
 */
export function attributionTable(
  outcomes: readonly CallOutcome[],
  projected: ReadonlyMap<string, ProjectedCall>,
  phones: { dealerPhone: (dealerId: string) => string | undefined; isDealerPhone: (phone: string) => boolean },
): { byCategory: AttributionTable; byTiming: TimingTable; byLateness: LatenessTable; anomalies: Anomaly[] } {
  const anomalies: Anomaly[] = [];
  const table: AttributionTable = {
    'in-session': emptyRow(),
    'after-session': emptyRow(),
    'pool-2': emptyRow(),
    'listing-level': emptyRow(),
    all: emptyRow(),
  };
  const byTiming: TimingTable = {
    'in-session': emptyRow(),
    'after-session': emptyRow(),
    'hours-later': emptyRow(),
    'days-later': emptyRow(),
    repeat: emptyRow(),
  };
  const byLateness: LatenessTable = { 'within-1h': emptyRow(), '1-6h': emptyRow(), later: emptyRow() };
  const rightCalls = new Set<string>();
  for (const outcome of [...outcomes].sort((a, b) => a.at - b.at)) {
    const row = projected.get(outcome.callSid);
    let category = outcome.category;
    if (category === 'pool-2' && outcome.previousCallSid && !rightCalls.has(outcome.previousCallSid))
      category = 'after-session';
    const verdict = judge(outcome, row);
    if (verdict === 'rightVisitor') rightCalls.add(outcome.callSid);
    else if ((category === 'in-session' || category === 'pool-2') && anomalies.length < 20)
      anomalies.push(anomaly(outcome, category, row));
    const expected = phones.dealerPhone(outcome.dealerId);
    const buckets = [table[category], table.all, ...(category === 'listing-level' ? [] : [byTiming[outcome.timing]])];
    if (category === 'after-session' && outcome.lateMs !== undefined)
      buckets.push(byLateness[latenessOf(outcome.lateMs)]);
    for (const bucket of buckets) {
      bucket.calls++;
      bucket[verdict]++;
      if (outcome.rang !== expected) {
        if (outcome.rang && phones.isDealerPhone(outcome.rang)) bucket.wrongDealer++;
        else bucket.mainLine++;
      }
    }
  }
  for (const row of [...Object.values(table), ...Object.values(byTiming), ...Object.values(byLateness)]) {
    const share = (n: number) => (row.calls === 0 ? 0 : Math.round((n / row.calls) * 10000) / 10000);
    row.shares = {
      rightVisitor: share(row.rightVisitor),
      wrongVisitor: share(row.wrongVisitor),
      unattributed: share(row.unattributed),
      wrongDealer: share(row.wrongDealer),
    };
  }
  return { byCategory: table, byTiming, byLateness, anomalies };
}

function anomaly(outcome: CallOutcome, category: CallCategory, row: ProjectedCall | undefined): Anomaly {
  return {
    callSid: outcome.callSid,
    category,
    timing: outcome.timing,
    at: new Date(outcome.at).toISOString(),
    visitorId: outcome.visitorId,
    listingId: outcome.listingId,
    dialled: outcome.dialled,
    shown: { pool: outcome.shownPool, at: new Date(outcome.shownAt).toISOString(), sessionId: outcome.shownSessionId },
    projected: row ? { attribution: row.attribution, visitor_id: row.visitor_id, listing_id: row.listing_id } : null,
  };
}

function judge(
  outcome: CallOutcome,
  row: ProjectedCall | undefined,
): 'rightVisitor' | 'wrongVisitor' | 'unattributed' | 'listingLevel' | 'notProjected' {
  if (!row) return 'notProjected';
  if (row.attribution === 'none') return 'unattributed';
  if (row.attribution === 'listing') return 'listingLevel';
  return row.visitor_id === outcome.visitorId && row.listing_id === outcome.listingId ? 'rightVisitor' : 'wrongVisitor';
}
