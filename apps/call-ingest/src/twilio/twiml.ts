import twilio from 'twilio';
import type { MenuOption } from '../attribution/attribution';

export interface DialSettings {
  /** Public URL of /twilio/dial-status (absolute, so it works behind any proxy). */
  dialActionUrl: string;
  /** Absolute URL of /twilio/choose, the caller menu's action (PUBLIC_BASE_URL + path). */
  chooseUrl: string;
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

const VOICE = { voice: 'alice', language: 'en-US' } as const;

/**
 * The caller menu (CONTRACT.md v3): one key chooses between the listings the
 * number was recently shown on. Most likely first, one `<Say>` each; no input
 * falls through to the same action without `Digits` (the most likely one).
 * About 3 seconds an option: titles are cut to a few words.
 */
export function menuTwiml(options: Array<MenuOption & { spoken: string }>, settings: DialSettings): string {
  const response = new twilio.twiml.VoiceResponse();
  const gather = response.gather({
    input: ['dtmf'],
    numDigits: 1,
    timeout: 6,
    action: settings.chooseUrl,
    method: 'POST',
  });
  gather.say(VOICE, 'Which car are you calling about?');
  for (const option of options) gather.say(VOICE, `For ${option.spoken}, press ${option.digit}.`);
  response.redirect({ method: 'POST' }, settings.chooseUrl);
  return response.toString();
}

/** What a caller hears for a listing: "the 2019 Honda Civic at Smith Motors", else the dealer, else its id. */
export function spokenListing(listingId: string, route: { title?: string; dealerName?: string } | undefined): string {
  const title = route?.title ? shorten(route.title) : undefined;
  const dealer = route?.dealerName ? shorten(route.dealerName) : undefined;
  if (title) return dealer ? `the ${title} at ${dealer}` : `the ${title}`;
  if (dealer) return dealer;
  return `listing ${listingId}`;
}

/** At most 6 words: a menu of three must stay around 12 seconds. */
function shorten(text: string): string {
  return text.trim().split(/\s+/).slice(0, 6).join(' ');
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
