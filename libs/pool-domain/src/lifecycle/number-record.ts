import type { NumberState } from '../state';
import { HoldingEnd, NumberChange, NumberHolder, NumberStatus } from './number-lifecycle';

/**
 * A number as call-ingest routes from it: its state and holder, and the
 * holdings that ended recently, newest first. A late call may be about any of
 * them, so they are the candidates a caller can be asked to choose between.
 */
export interface PastHolding extends NumberHolder {
  endedAt: string;
  reason: HoldingEnd;
}

export interface NumberRecord extends NumberStatus {
  state: NumberState;
  past: PastHolding[];
  /** While `listing`: the standard listing whose own number it is. */
  listingId: string | null;
}

/**
 * Holdings remembered per number. The menu offers at most 3 listings, but a
 * repeat caller is recognised among every remembered holder, and a busy
 * number changes hands several times an hour (docs/simulation.md).
 */
export const PAST_HOLDINGS_KEPT = 8;

export function applyNumberChange(record: NumberRecord | undefined, change: NumberChange): NumberRecord {
  const next: NumberRecord = record ?? { state: change.to, holder: null, past: [], listingId: null };
  if (change.ended)
    next.past = [{ ...change.ended.holder, endedAt: change.at, reason: change.ended.reason }, ...next.past].slice(
      0,
      PAST_HOLDINGS_KEPT,
    );
  // A number bought back after a release starts a new life: its old holders were someone else's callers.
  if (change.from === 'released' && change.to === 'available') next.past = [];
  next.state = change.to;
  next.holder = change.holder;
  next.listingId = change.to === 'listing' ? (change.listingId ?? null) : null;
  return next;
}
