import { z } from 'zod';
import { Attribution, E164, Id, IsoTime } from './primitives';

/**
 * Events on `callpool.calls`, written by call-ingest, keyed by the inbound
 * CallSid. The caller's number is personal data: it travels in events and
 * lands in the analysts' `calls` table, never in logs.
 */

/** Who the number was held by when the call came in, as call-ingest's view saw it. */
export const HolderState = z.enum(['displayed', 'locked', 'cooling', 'available', 'listing', 'unknown']);

/**
 * How a call's attribution was settled (analysts' `calls.resolved_by`):
 * `holder` the number was displayed or locked to one holder; `last_holder` one
 * candidate, whose holding had ended; `caller_id` a caller recognised as one of
 * several candidates; `caller_choice` the caller chose in the menu; `no_input`
 * the menu got no (or an unknown) digit and the most likely candidate was
 * taken; `none` nobody could be credited.
 */
export const ResolvedBy = z.enum(['holder', 'last_holder', 'caller_id', 'caller_choice', 'no_input', 'none']);

/** One listing the caller menu offered: the digit to press and who it stands for. */
export const MenuOption = z.object({
  digit: z.string().regex(/^[1-9]$/),
  visitorId: Id,
  sessionId: Id.nullable(),
  listingId: Id,
  dealerId: Id.nullable(),
  confidence: z.number().min(0).max(1),
  routedTo: E164,
});

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
  /** v3: how the attribution was settled; for a menu call, `no_input` until a `CallResolved` says otherwise. */
  resolvedBy: ResolvedBy.optional(),
  /** v3: how many (visitor, listing) candidates the number had. */
  candidates: z.number().int().nonnegative().optional(),
  /**
   * v3: the call was answered with the caller menu (these options, most likely
   * first); the attribution above is the most likely option until the caller
   * chooses, and the number is locked only once `CallResolved` says to whom.
   */
  menu: z.array(MenuOption).max(9).optional(),
});

/**
 * v3: the caller menu's outcome (POST /twilio/choose), once per CallSid: the
 * call is attributed to the chosen (or, without a usable digit, the most
 * likely) candidate and rings that listing's dealer.
 */
export const CallResolved = z.object({
  callSid: z.string().min(1),
  trackingNumber: z.string().min(1),
  /** Twilio's `From` again: a caller who chose is recognised by caller ID next time. */
  caller: z.string().optional(),
  startedAt: IsoTime,
  resolvedBy: z.enum(['caller_choice', 'no_input']),
  /** The digit pressed, if any (also an unknown one). */
  digit: z.string().max(8).optional(),
  attribution: Attribution,
  confidence: z.number().min(0).max(1),
  visitorId: Id.nullable(),
  sessionId: Id.nullable(),
  listingId: Id.nullable(),
  dealerId: Id.nullable(),
  routedTo: E164,
  candidates: z.number().int().nonnegative(),
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

export const callEventSchemas = { CallReceived, CallResolved, CallCompleted, DealerDialEnded } as const;
