import { z } from 'zod';
import { Attribution, E164, Id, IsoTime } from './primitives';

/**
 * Events on `callpool.calls`, written by call-ingest, keyed by the inbound
 * CallSid. The caller's number is personal data: it travels in events and
 * lands in the analysts' `calls` table, never in logs.
 */

/** Who the number was held by when the call came in, as call-ingest's view saw it. */
export const HolderState = z.enum(['displayed', 'locked', 'cooling', 'available', 'listing', 'unknown']);

export const CallReceived = z.object({
  callSid: z.string().min(1),
  trackingNumber: z.string().min(1),
  /** Twilio's `From`; may be anonymous or not E.164, so only a string. */
  caller: z.string(),
  startedAt: IsoTime,
  attribution: Attribution,
  confidence: z.number().min(0).max(1),
  holderState: HolderState,
  visitorId: Id.nullable(),
  sessionId: Id.nullable(),
  listingId: Id.nullable(),
  dealerId: Id.nullable(),
  /** The phone the call was dialled through to (dealer, or the directory's main line). */
  routedTo: E164,
});

/** The tracking number's status callback: the inbound call's final status and length. */
export const CallCompleted = z.object({
  callSid: z.string().min(1),
  status: z.string().min(1),
  durationS: z.number().int().nonnegative(),
});

/** The `<Dial action>` callback: whether the dealer picked up. */
export const DealerDialEnded = z.object({
  callSid: z.string().min(1),
  dialCallStatus: z.string().min(1),
  dialDurationS: z.number().int().nonnegative(),
  answered: z.boolean(),
});

export const callEventSchemas = { CallReceived, CallCompleted, DealerDialEnded } as const;
