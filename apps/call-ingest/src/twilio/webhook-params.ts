import { z } from 'zod';

/**
 * The parts of Twilio's webhook parameters call-ingest acts on (everything
 * else is signed and ignored). Checked only after the signature: an unsigned
 * request is a 403 whatever its shape.
 */
const CallSid = z.string().min(1).max(64);
const Seconds = z
  .string()
  .regex(/^\d{1,9}$/, 'must be a whole number of seconds')
  .transform(Number);

export const VoiceParams = z.object({
  CallSid,
  /** The tracking number dialled. */
  To: z.string().min(1).max(64),
  /** The caller; Twilio sends an empty or anonymous value for withheld numbers. */
  From: z.string().max(64).default(''),
});
export type VoiceParams = z.infer<typeof VoiceParams>;

/** The caller menu's `<Gather>` action: Twilio's parameters plus the key pressed (none after a time-out). */
export const ChooseParams = VoiceParams.extend({ Digits: z.string().max(8).optional() });
export type ChooseParams = z.infer<typeof ChooseParams>;

/** Final values of the inbound call's CallStatus; the others (ringing, in-progress, ...) record nothing. */
export const FINAL_CALL_STATUSES = ['completed', 'busy', 'no-answer', 'failed', 'canceled'] as const;

export const StatusParams = z.object({
  CallSid,
  CallStatus: z.string().min(1).max(32),
  CallDuration: Seconds.optional(),
  SequenceNumber: z.string().max(16).optional(),
});
export type StatusParams = z.infer<typeof StatusParams>;

export const DialParams = z.object({
  CallSid,
  DialCallStatus: z.string().min(1).max(32),
  DialCallDuration: Seconds.optional(),
});
export type DialParams = z.infer<typeof DialParams>;
