import twilio from 'twilio';

/**
 * Twilio signs each webhook with the account's auth token over the public URL it
 * called plus the sorted POST parameters; the library's own check is used so
 * we match its quirks (it also tries the URL with and without the port).
 */
export function isValidTwilioSignature(
  authToken: string,
  signature: string | undefined,
  url: string,
  params: Record<string, unknown>,
): boolean {
  if (!signature) return false;
  return twilio.validateRequest(authToken, signature, url, params);
}

/** The signature Twilio would send, for the call driver and tests. */
export function twilioSignature(authToken: string, url: string, params: Record<string, unknown>): string {
  return twilio.getExpectedTwilioSignature(authToken, url, params);
}
