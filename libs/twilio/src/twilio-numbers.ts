import twilio from 'twilio';
import type { ClientOpts } from 'twilio/lib/base/BaseTwilio';
import type { IncomingPhoneNumberInstance } from 'twilio/lib/rest/api/v2010/account/incomingPhoneNumber';
import { AvailableNumber, NumberWebhooks, PurchasedNumber, TwilioNumbers } from './numbers.port';
import { RebasedRequestClient } from './rebased-request-client';
import { toTwilioRequestError } from './twilio-failure';

export interface TwilioNumbersOptions {
  accountSid: string;
  authToken: string;
  /** Base URL of the REST API (TWILIO_API_URL); unset means https://api.twilio.com. */
  apiUrl?: string;
  /** Per-request timeout; a slow Twilio must not stall the replenisher. */
  timeoutMs?: number;
  /** ISO country of the numbers searched; 'US' by default. */
  country?: string;
}

export const DEFAULT_TWILIO_TIMEOUT_MS = 5000;

export function createTwilioNumbers(options: TwilioNumbersOptions): TwilioNumbers {
  const timeout = options.timeoutMs ?? DEFAULT_TWILIO_TIMEOUT_MS;
  // autoRetry stays off: the replenisher owns the back-off policy and needs to see each 429.
  const clientOpts: ClientOpts = { timeout, autoRetry: false };
  if (options.apiUrl) clientOpts.httpClient = new RebasedRequestClient(options.apiUrl, { timeout });
  const client = twilio(options.accountSid, options.authToken, clientOpts);
  const country = options.country ?? 'US';

  return {
    search: (query) =>
      attempt('search', async () => {
        const found = await client.availablePhoneNumbers(country).local.list({
          areaCode: query.areaCode === undefined ? undefined : Number(query.areaCode),
          limit: query.limit,
        });
        return found.map((n): AvailableNumber => ({ phoneNumber: n.phoneNumber, areaCode: areaCodeOf(n.phoneNumber) }));
      }),
    buy: (phoneNumber, webhooks) =>
      attempt('buy', async () =>
        toPurchased(await client.incomingPhoneNumbers.create(purchase(phoneNumber, webhooks))),
      ),
    release: (sid) =>
      attempt('release', async () => {
        try {
          await client.incomingPhoneNumbers(sid).remove();
        } catch (error) {
          // A 404 means an earlier release went through (perhaps its answer was lost).
          if ((error as { status?: number }).status !== 404) throw error;
        }
      }),
    listOwned: () =>
      attempt('list', async () => (await client.incomingPhoneNumbers.list({ pageSize: 1000 })).map(toPurchased)),
  };
}

function purchase(phoneNumber: string, webhooks: NumberWebhooks) {
  return {
    phoneNumber,
    voiceUrl: webhooks.voiceUrl,
    voiceMethod: 'POST',
    voiceFallbackUrl: webhooks.voiceFallbackUrl,
    voiceFallbackMethod: webhooks.voiceFallbackUrl ? 'POST' : undefined,
    statusCallback: webhooks.statusCallback,
    statusCallbackMethod: 'POST',
  };
}

function toPurchased(number: IncomingPhoneNumberInstance): PurchasedNumber {
  return {
    sid: number.sid,
    phoneNumber: number.phoneNumber,
    purchasedAt: number.dateCreated ?? new Date(),
    ...(number.voiceUrl ? { voiceUrl: number.voiceUrl } : {}),
  };
}

/** The NPA of a North American number (+1 NPA NXX XXXX); other countries have none here. */
export function areaCodeOf(phoneNumber: string): string | undefined {
  return /^\+1(\d{3})\d{7}$/.exec(phoneNumber)?.[1];
}

async function attempt<T>(action: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw toTwilioRequestError(error, action);
  }
}
