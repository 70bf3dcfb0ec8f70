import { TwilioFailureKind, TwilioRequestError } from './numbers.port';

/** Error codes of the socket layer (axios under the library) that mean "no answer in time". */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT', 'ESOCKETTIMEDOUT']);

interface LibraryError {
  status?: unknown;
  code?: unknown;
  message?: unknown;
}

/**
 * Translates whatever the library threw into the port's error. HTTP answers
 * arrive as RestException (status + Twilio code); transport failures as axios
 * errors with a string code. Anything unrecognised is treated as the service
 * being unavailable, which makes the caller back off and retry rather than give up.
 */
export function toTwilioRequestError(error: unknown, action: string): TwilioRequestError {
  if (error instanceof TwilioRequestError) return error;
  const e = (error ?? {}) as LibraryError;
  const message = `Twilio ${action} failed: ${typeof e.message === 'string' ? e.message : String(error)}`;
  if (typeof e.status === 'number') {
    const twilioCode = typeof e.code === 'number' ? e.code : undefined;
    return new TwilioRequestError(kindOfStatus(e.status), message, e.status, twilioCode);
  }
  const kind: TwilioFailureKind = typeof e.code === 'string' && TIMEOUT_CODES.has(e.code) ? 'timeout' : 'unavailable';
  return new TwilioRequestError(kind, message);
}

export function kindOfStatus(status: number): TwilioFailureKind {
  if (status === 429) return 'rate_limited';
  if (status === 408) return 'timeout';
  if (status >= 500) return 'unavailable';
  return 'rejected';
}
