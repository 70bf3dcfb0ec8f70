import type { PurchasedNumber } from '@callpool/twilio';

/**
 * Which of the account's numbers are callpool's: the ones whose voice URL is
 * call-ingest's (PUBLIC_BASE_URL + /twilio/voice), as every number we buy is
 * set up. A directory's account also holds its main line and other products'
 * numbers; reconciling must never fold those into the pool and re-point them.
 */
export function ownNumbers(owned: PurchasedNumber[], ourVoiceUrl: string): PurchasedNumber[] {
  const ours = normalised(ourVoiceUrl);
  return owned.filter((number) => number.voiceUrl !== undefined && normalised(number.voiceUrl) === ours);
}

/** Scheme and host are case-insensitive and a trailing slash means nothing; the path is compared as is. */
function normalised(url: string): string | null {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname.replace(/\/+$/, '')}`;
  } catch {
    return null;
  }
}
