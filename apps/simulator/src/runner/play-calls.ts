import { CallDriver, DialTarget, PlacedCall } from '@callpool/call-driver';
import { CallAction, Rng } from '../model';
import { chooseDigit, MenuRates } from './caller-menu';
import { ServiceError } from './http';
import { CallOutcome, Truth } from './truth';

/** How callers behave: their menu rates and the seed their choices are drawn from (one stream per CallSid). */
export interface Callers {
  menu: MenuRates;
  seed: string;
}

/**
 * A visitor picks up the phone: they dial the number they saw last for that
 * listing. Twilio's requests follow each other (voice webhook, the caller
 * menu's answer when one plays, the dealer leg's outcome, the inbound call's
 * final status), stamped with the simulated time. A number that was the
 * dealer's own line (an overflow answer) never reaches us: it is counted, not placed.
 */
export async function playCall(driver: CallDriver, truth: Truth, call: CallAction, callers: Callers): Promise<void> {
  const shown = truth.lastShown(call.visitorId, call.listingId);
  if (!shown) {
    truth.counts.callsWithoutNumber++;
    return;
  }
  if (truth.onDealerLine(call, shown)) {
    truth.counts.callsOnDealerLine++;
    return;
  }
  const { category, previousCallSid, lateMs } = truth.categorise(call, shown);
  const placed = await driver.placeCall({ from: call.caller, to: shown.number, callSid: call.callSid });
  if (placed.status !== 200)
    throw new ServiceError(
      `voice webhook for ${call.callSid}: ${placed.status} ${placed.body.slice(0, 200)}`,
      placed.status,
    );
  const { dial, menu } = await answerMenu(driver, truth, call, placed, callers);
  const talked = call.answered ? call.durationS : 0;
  if (dial) {
    const outcome = await driver.dialStatus(call.callSid, {
      dialCallStatus: call.answered ? 'completed' : 'no-answer',
      dialCallDuration: talked,
    });
    if (outcome.status >= 300)
      throw new ServiceError(`dial status for ${call.callSid}: ${outcome.status}`, outcome.status);
  }
  const done = await driver.complete(call.callSid, {
    callStatus: 'completed',
    callDuration: talked + 5,
    sequenceNumber: 3,
    timestamp: new Date(call.at),
  });
  if (done.status >= 300) throw new ServiceError(`status callback for ${call.callSid}: ${done.status}`, done.status);
  truth.recordCall({
    callSid: call.callSid,
    at: call.at,
    category,
    timing: call.timing,
    visitorId: call.visitorId,
    sessionId: call.sessionId,
    listingId: call.listingId,
    dealerId: call.dealerId,
    dialled: shown.number,
    rang: dial?.number ?? null,
    shownPool: shown.pool,
    shownAt: shown.at,
    shownSessionId: shown.sessionId,
    ...(previousCallSid ? { previousCallSid } : {}),
    ...(lateMs !== undefined ? { lateMs } : {}),
    ...(menu ? { menu } : {}),
  });
}

/** When the answer is the caller menu, the caller answers it and the call rings what `/twilio/choose` dials. */
async function answerMenu(
  driver: CallDriver,
  truth: Truth,
  call: CallAction,
  placed: PlacedCall,
  callers: Callers,
): Promise<{ dial: DialTarget | null; menu?: CallOutcome['menu'] }> {
  const listing = truth.listing(call.listingId);
  if (!placed.menu || !listing) return { dial: placed.dial };
  const rng = new Rng(`${callers.seed}:menu:${call.callSid}`);
  const { digits, choice } = chooseDigit(placed.menu, listing, callers.menu, rng);
  const chosen = await driver.answerMenu(call.callSid, placed.menu, digits);
  if (chosen.status !== 200)
    throw new ServiceError(
      `caller menu of ${call.callSid}: ${chosen.status} ${chosen.body.slice(0, 200)}`,
      chosen.status,
    );
  return { dial: chosen.dial, menu: { options: placed.menu.options.length, choice } };
}
