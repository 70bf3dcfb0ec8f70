import twilio from 'twilio';

export interface DialSettings {
  /** Public URL of /twilio/dial-status (absolute, so it works behind any proxy). */
  dialActionUrl: string;
  timeoutSeconds: number;
}

/**
 * Rings `routedTo` and asks Twilio to report the dealer's leg to the dial
 * action. Only numbers from our own view go in: nothing the caller sends is
 * echoed, and VoiceResponse escapes whatever it is given anyway.
 */
export function dialTwiml(routedTo: string, settings: DialSettings): string {
  const response = new twilio.twiml.VoiceResponse();
  response.dial({ action: settings.dialActionUrl, method: 'POST', timeout: settings.timeoutSeconds }).number(routedTo);
  return response.toString();
}

/**
 * After the dealer's leg: hang up if they talked; otherwise a short apology.
 * Not voicemail: recordings would need storage, consent wording and a way to
 * reach the dealer, and a caller who got no answer mostly calls back, on the
 * same number, which stays theirs (Pool 2).
 */
export function afterDialTwiml(answered: boolean): string {
  const response = new twilio.twiml.VoiceResponse();
  if (!answered)
    response.say(
      { voice: 'alice', language: 'en-US' },
      'Sorry, nobody could take your call right now. Please try again a little later. Goodbye.',
    );
  response.hangup();
  return response.toString();
}
