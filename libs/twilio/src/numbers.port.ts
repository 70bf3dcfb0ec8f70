/**
 * What callpool needs from Twilio's phone-number API, as a port. The adapter
 * (twilio-numbers.ts) implements it with the official `twilio` library; the
 * only thing that changes between production and the local stand-in is the
 * base URL (TWILIO_API_URL).
 */
export interface AvailableNumber {
  phoneNumber: string;
  areaCode?: string;
}

export interface PurchasedNumber {
  /** IncomingPhoneNumber SID (PN...), needed to release it. */
  sid: string;
  phoneNumber: string;
  purchasedAt: Date;
  /** Where Twilio sends its calls (as listed by listOwned): tells our numbers from the account's others. */
  voiceUrl?: string;
}

/** Where Twilio sends the calls to the number (call-ingest), and where it goes when that fails. */
export interface NumberWebhooks {
  voiceUrl: string;
  voiceFallbackUrl?: string;
  statusCallback: string;
}

export interface TwilioNumbers {
  search(query: { areaCode?: string; limit: number }): Promise<AvailableNumber[]>;
  buy(phoneNumber: string, webhooks: NumberWebhooks): Promise<PurchasedNumber>;
  /** Already-released (unknown) SIDs count as released, so a retried release is safe. */
  release(sid: string): Promise<void>;
  /**
   * Every number the account owns at Twilio, for reconciling after a purchase whose
   * answer was lost (a timeout does not mean the number was not bought).
   */
  listOwned?(): Promise<PurchasedNumber[]>;
}

/** Why a Twilio request did not succeed; the replenisher backs off differently for each. */
export type TwilioFailureKind = 'rate_limited' | 'timeout' | 'unavailable' | 'rejected';

export class TwilioRequestError extends Error {
  constructor(
    readonly kind: TwilioFailureKind,
    message: string,
    readonly status?: number,
    /** Twilio's error code (e.g. 20429 rate limited, 21422 number not available), when it gave one. */
    readonly twilioCode?: number,
  ) {
    super(message);
    this.name = 'TwilioRequestError';
  }
}
