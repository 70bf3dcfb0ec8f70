import { CallDriver } from '@callpool/call-driver';
import { CallAction } from '../model';
import { ServiceError } from './http';
import { Truth } from './truth';

/**
 * A visitor picks up the phone: they dial the number they saw last for that
 * listing. Twilio's three requests follow each other (voice webhook, the
 * dealer leg's outcome, the inbound call's final status), stamped with the
 * simulated time. A number that was the dealer's own line (an overflow
 * answer) never reaches us: it is counted, not placed.
 */
export async function playCall(driver: CallDriver, truth: Truth, call: CallAction): Promise<void> {
  const shown = truth.lastShown(call.visitorId, call.listingId);
  if (!shown) {
    truth.counts.callsWithoutNumber++;
    return;
  }
  if (truth.onDealerLine(call, shown)) {
    truth.counts.callsOnDealerLine++;
    return;
  }
  const { category, previousCallSid } = truth.categorise(call, shown);
  const placed = await driver.placeCall({ from: call.caller, to: shown.number, callSid: call.callSid });
  if (placed.status !== 200)
    throw new ServiceError(
      `voice webhook for ${call.callSid}: ${placed.status} ${placed.body.slice(0, 200)}`,
      placed.status,
    );
  const talked = call.answered ? call.durationS : 0;
  if (placed.dial) {
    const dial = await driver.dialStatus(call.callSid, {
      dialCallStatus: call.answered ? 'completed' : 'no-answer',
      dialCallDuration: talked,
    });
    if (dial.status >= 300) throw new ServiceError(`dial status for ${call.callSid}: ${dial.status}`, dial.status);
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
    rang: placed.dial?.number ?? null,
    shownPool: shown.pool,
    shownAt: shown.at,
    shownSessionId: shown.sessionId,
    ...(previousCallSid ? { previousCallSid } : {}),
  });
}
