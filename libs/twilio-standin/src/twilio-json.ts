import { OwnedNumber } from './inventory';

/** Twilio's JSON shapes, field for field where the `twilio` library reads them. */
export const API_VERSION = '2010-04-01';

const REGIONS: Record<string, string> = {
  '206': 'WA',
  '212': 'NY',
  '213': 'CA',
  '305': 'FL',
  '312': 'IL',
  '415': 'CA',
  '512': 'TX',
  '617': 'MA',
};

export function twilioError(status: number, code: number, message: string) {
  return { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
}

/** Twilio's date format (RFC 2822 with +0000), which the library parses strictly. */
export function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

export function friendlyName(phoneNumber: string): string {
  const d = phoneNumber.slice(2);
  return `(${d.slice(0, 3)}) ${d.slice(3, 6)}-${d.slice(6)}`;
}

export function availableNumberJson(phoneNumber: string) {
  return {
    friendly_name: friendlyName(phoneNumber),
    phone_number: phoneNumber,
    lata: null,
    locality: null,
    rate_center: null,
    latitude: null,
    longitude: null,
    region: REGIONS[phoneNumber.slice(2, 5)] ?? null,
    postal_code: null,
    iso_country: 'US',
    address_requirements: 'none',
    beta: false,
    capabilities: { voice: true, SMS: true, MMS: true, fax: false },
  };
}

export function incomingNumberJson(accountSid: string, n: OwnedNumber) {
  const date = rfc2822(n.dateCreated);
  return {
    account_sid: accountSid,
    address_requirements: 'none',
    address_sid: null,
    api_version: API_VERSION,
    beta: false,
    bundle_sid: null,
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    date_created: date,
    date_updated: date,
    emergency_address_sid: null,
    emergency_address_status: 'unregistered',
    emergency_status: 'Active',
    friendly_name: friendlyName(n.phoneNumber),
    identity_sid: null,
    origin: 'twilio',
    phone_number: n.phoneNumber,
    sid: n.sid,
    sms_application_sid: '',
    sms_fallback_method: 'POST',
    sms_fallback_url: '',
    sms_method: 'POST',
    sms_url: '',
    status: 'in-use',
    status_callback: n.statusCallback,
    status_callback_method: n.statusCallbackMethod,
    subresource_uris: {
      assigned_add_ons: `/${API_VERSION}/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}/AssignedAddOns.json`,
    },
    trunk_sid: null,
    type: 'local',
    uri: `/${API_VERSION}/Accounts/${accountSid}/IncomingPhoneNumbers/${n.sid}.json`,
    voice_application_sid: '',
    voice_caller_id_lookup: false,
    voice_fallback_method: n.voiceFallbackMethod,
    voice_fallback_url: n.voiceFallbackUrl,
    voice_method: n.voiceMethod,
    voice_receive_mode: 'voice',
    voice_url: n.voiceUrl,
  };
}

/**
 * A list page. The library follows `next_page_uri` (relative, resolved against
 * api.twilio.com, which the adapter rebases) until it is null or its limit is met.
 */
export function pageJson<T>(
  key: string,
  items: T[],
  page: { uri: string; page: number; pageSize: number; more: boolean },
) {
  const withPage = (p: number) => `${page.uri.split('?')[0]}?PageSize=${page.pageSize}&Page=${p}`;
  return {
    [key]: items,
    end: page.page * page.pageSize + Math.max(items.length - 1, 0),
    first_page_uri: withPage(0),
    next_page_uri: page.more ? withPage(page.page + 1) : null,
    page: page.page,
    page_size: page.pageSize,
    previous_page_uri: page.page > 0 ? withPage(page.page - 1) : null,
    start: page.page * page.pageSize,
    uri: page.uri,
  };
}
