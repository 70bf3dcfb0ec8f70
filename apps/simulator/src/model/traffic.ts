import { Action, CallTiming, compareActions, SessionTruth, Traffic, Unsequenced } from './actions';
import { buildCatalogue, ListingPicker } from './catalog';
import { planCalls } from './calls';
import { dailyCurve, hourOf } from './curve';
import { ModelOptions } from './options';
import { Rng } from './random';
import { planSession } from './session';
import { VisitorPool } from './visitors';

/**
 * Arrival instants of a non-homogeneous Poisson process whose rate follows
 * the daily curve (Lewis–Shedler thinning: candidates at the curve's peak
 * rate, each kept with probability rate(t) / peak).
 */
export function arrivals(
  rng: Rng,
  options: Pick<ModelOptions, 'startMs' | 'days' | 'visitorsPerDay' | 'curve'>,
): number[] {
  const curve = dailyCurve(options.curve);
  const peakPerMs = (options.visitorsPerDay / 86_400_000) * curve.max;
  const end = options.startMs + options.days * 86_400_000;
  const times: number[] = [];
  if (peakPerMs <= 0) return times;
  for (let t = options.startMs + rng.exponential(1 / peakPerMs); t < end; t += rng.exponential(1 / peakPerMs)) {
    if (rng.next() * curve.max < curve.at(hourOf(t))) times.push(Math.round(t));
  }
  return times;
}

/** The whole run: catalogue, sessions, calls and sales, merged into one time-ordered stream. */
export function generateTraffic(options: ModelOptions): Traffic {
  const root = new Rng(options.seed);
  const catalogueRng = root.fork('catalogue');
  const arrivalRng = root.fork('arrivals');
  const visitRng = root.fork('visits');
  const callRng = root.fork('calls');
  const { dealers, listings } = buildCatalogue(options, catalogueRng, root.fork('titles'));
  const picker = new ListingPicker(listings);
  const visitors = new VisitorPool(options.runId);
  const trafficEndMs = options.startMs + options.days * 86_400_000;
  const endMs = trafficEndMs + options.tailHours * 3_600_000;
  const actions: Unsequenced[] = [];
  const sessions: SessionTruth[] = [];
  let calls = 0;
  const callsAfterEnd = noCalls();
  for (const at of arrivals(arrivalRng, options)) {
    const { visitor, returning } = visitors.arrive(visitRng, at, options.returningShare);
    const sessionId = `${options.runId}-s${sessions.length + 1}`;
    const session = planSession(visitRng, options, picker, { at, visitor, returning, sessionId });
    if (session.viewed.length === 0 && session.actions.length === 0) continue;
    sessions.push(session.truth);
    actions.push(...session.actions.filter((action) => action.at < endMs));
    for (const call of planCalls(callRng, options, session, visitor, () => ++calls)) {
      if (call.at < endMs) actions.push(call);
      else callsAfterEnd[call.timing]++;
    }
  }
  for (const listing of listings)
    if (listing.soldAt !== null) actions.push({ kind: 'sale', at: listing.soldAt, listingId: listing.listingId });
  const ordered = actions.map((action, seq) => ({ ...action, seq }) as Action).sort(compareActions);
  return {
    startMs: options.startMs,
    trafficEndMs,
    endMs,
    dealers,
    listings,
    sessions,
    actions: ordered,
    callsAfterEnd,
    visitors: visitors.size,
  };
}

export function noCalls(): Record<CallTiming, number> {
  return { 'in-session': 0, 'after-session': 0, 'hours-later': 0, 'days-later': 0, repeat: 0 };
}
