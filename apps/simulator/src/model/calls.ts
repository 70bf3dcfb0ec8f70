import { createHash } from 'node:crypto';
import { CallAction, CallTiming } from './actions';
import { ModelOptions } from './options';
import { PlannedSession } from './session';
import { Rng } from './random';
import { Visitor } from './visitors';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const FIRST_CALL_TIMINGS: CallTiming[] = ['in-session', 'after-session', 'hours-later', 'days-later'];

/** A CallSid as Twilio makes them (CA + 32 hex digits), derived from the run and a counter. */
export function callSidFor(runId: string, n: number): string {
  return `CA${createHash('sha256').update(`${runId}:call:${n}`).digest('hex').slice(0, 32)}`;
}

/**
 * The calls a session leads to. Each listing viewed may lead to a call: while
 * still browsing (never later than a minute after the last page, so the
 * session is certainly alive), soon after the session ended, hours or days
 * later; each call may be followed by repeat calls to the same listing.
 */
export function planCalls(
  rng: Rng,
  options: ModelOptions,
  session: PlannedSession,
  visitor: Visitor,
  nextCallNumber: () => number,
): Array<Omit<CallAction, 'seq'>> {
  const calls: Array<Omit<CallAction, 'seq'>> = [];
  const sessionEnd = session.truth.lastActivityAt + options.sessionIdleSeconds * 1000;
  for (const { listing, viewedAt } of session.viewed) {
    if (!rng.chance(options.callProbability)) continue;
    const timing = rng.weighted(FIRST_CALL_TIMINGS.map((kind, i) => [kind, options.callTimingMix[i]] as const));
    let at = firstCallAt(rng, timing, viewedAt, session.truth.lastActivityAt, sessionEnd);
    let kind: CallTiming = timing;
    for (;;) {
      const n = nextCallNumber();
      const answered = rng.chance(options.answerRate);
      calls.push({
        kind: 'call',
        at: Math.round(at),
        callSid: callSidFor(options.runId, n),
        visitorId: visitor.visitorId,
        caller: visitor.caller,
        listingId: listing.listingId,
        dealerId: listing.dealerId,
        sessionId: session.truth.sessionId,
        timing: kind,
        answered,
        durationS: answered ? Math.max(5, Math.round(rng.logNormal(options.meanCallSeconds, 0.8))) : 0,
      });
      if (!rng.chance(options.repeatCallProbability)) break;
      at += Math.max(10 * MINUTE, rng.exponential(options.repeatDelayHours * HOUR));
      kind = 'repeat';
    }
  }
  return calls;
}

function firstCallAt(
  rng: Rng,
  timing: CallTiming,
  viewedAt: number,
  lastActivityAt: number,
  sessionEnd: number,
): number {
  switch (timing) {
    case 'in-session':
      return viewedAt + 5000 + rng.uniform(0, lastActivityAt - viewedAt + MINUTE - 5000);
    case 'after-session':
      return sessionEnd + rng.uniform(MINUTE, HOUR);
    case 'hours-later':
      return sessionEnd + rng.uniform(HOUR, 12 * HOUR);
    case 'days-later':
      return sessionEnd + rng.uniform(DAY, 6 * DAY);
    case 'repeat':
      throw new Error('a first call is never a repeat');
  }
}
