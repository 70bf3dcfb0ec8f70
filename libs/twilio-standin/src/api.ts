import { NumberInventory } from './inventory';
import { API_VERSION, availableNumberJson, incomingNumberJson, pageJson, twilioError } from './twilio-json';

export type RequestKind = 'search' | 'buy' | 'release' | 'list' | 'fetch';

export interface ApiRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  form: URLSearchParams;
  authorization: string | undefined;
}

export interface ApiAnswer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface Credentials {
  accountSid: string;
  authToken: string;
}

interface Route {
  kind: RequestKind;
  method: string;
  pattern: RegExp;
}

const ACCOUNT = `^/${API_VERSION}/Accounts/([^/]+)`;
const ROUTES: Route[] = [
  { kind: 'search', method: 'GET', pattern: new RegExp(`${ACCOUNT}/AvailablePhoneNumbers/US/Local\\.json$`) },
  { kind: 'buy', method: 'POST', pattern: new RegExp(`${ACCOUNT}/IncomingPhoneNumbers\\.json$`) },
  { kind: 'list', method: 'GET', pattern: new RegExp(`${ACCOUNT}/IncomingPhoneNumbers\\.json$`) },
  { kind: 'release', method: 'DELETE', pattern: new RegExp(`${ACCOUNT}/IncomingPhoneNumbers/([^/]+)\\.json$`) },
  { kind: 'fetch', method: 'GET', pattern: new RegExp(`${ACCOUNT}/IncomingPhoneNumbers/([^/]+)\\.json$`) },
];

export function routeOf(method: string, path: string): { kind: RequestKind; params: string[] } | undefined {
  for (const route of ROUTES) {
    const match = route.method === method ? route.pattern.exec(path) : null;
    if (match) return { kind: route.kind, params: match.slice(1).map(decodeURIComponent) };
  }
  return undefined;
}

export const notFound = (path: string): ApiAnswer => ({
  status: 404,
  body: twilioError(404, 20404, `The requested resource ${path} was not found`),
});

/** Twilio answers 401 / 20003 to a missing or wrong AccountSid:AuthToken pair. */
export function authenticate(authorization: string | undefined, credentials: Credentials): ApiAnswer | undefined {
  const [scheme, encoded] = (authorization ?? '').split(' ');
  const [user, ...rest] = Buffer.from(encoded ?? '', 'base64')
    .toString('utf8')
    .split(':');
  const ok = scheme === 'Basic' && user === credentials.accountSid && rest.join(':') === credentials.authToken;
  if (ok) return undefined;
  return {
    status: 401,
    body: twilioError(401, 20003, 'Authenticate'),
    headers: { 'WWW-Authenticate': 'Basic realm="Twilio API"' },
  };
}

/** The REST operations, once the route is known and the caller authenticated. */
export class TwilioApi {
  constructor(
    private readonly inventory: NumberInventory,
    private readonly accountSid: string,
    private readonly now: () => Date,
  ) {}

  handle(kind: RequestKind, request: ApiRequest, params: string[]): ApiAnswer {
    if (params[0] !== this.accountSid) return notFound(request.path);
    switch (kind) {
      case 'search':
        return this.search(request);
      case 'buy':
        return this.buy(request);
      case 'list':
        return this.list(request);
      case 'fetch':
        return this.fetch(request, params[1]);
      case 'release':
        return this.release(request, params[1]);
    }
  }

  private search({ path, query }: ApiRequest): ApiAnswer {
    const pageSize = pageSizeOf(query, 50);
    const numbers = this.inventory.available(query.get('AreaCode') ?? undefined, pageSize);
    const uri = `${path}?${query.toString()}`;
    const items = numbers.map(availableNumberJson);
    return { status: 200, body: pageJson('available_phone_numbers', items, { uri, page: 0, pageSize, more: false }) };
  }

  private buy({ form }: ApiRequest): ApiAnswer {
    const phoneNumber = form.get('PhoneNumber') ?? this.inventory.available(form.get('AreaCode') ?? undefined, 1)[0];
    if (!phoneNumber) return { status: 400, body: twilioError(400, 21452, 'No phone numbers found in area code') };
    const owned = this.inventory.buy(
      {
        phoneNumber,
        voiceUrl: form.get('VoiceUrl') ?? '',
        voiceMethod: form.get('VoiceMethod') ?? 'POST',
        voiceFallbackUrl: form.get('VoiceFallbackUrl') ?? '',
        voiceFallbackMethod: form.get('VoiceFallbackMethod') ?? 'POST',
        statusCallback: form.get('StatusCallback') ?? '',
        statusCallbackMethod: form.get('StatusCallbackMethod') ?? 'POST',
      },
      this.now(),
    );
    if (!owned) {
      return { status: 400, body: twilioError(400, 21422, `PhoneNumber ${phoneNumber} is not available`) };
    }
    return { status: 201, body: incomingNumberJson(this.accountSid, owned) };
  }

  private list({ path, query }: ApiRequest): ApiAnswer {
    const pageSize = pageSizeOf(query, 50);
    const page = Math.max(Number(query.get('Page') ?? 0) || 0, 0);
    const filter = query.get('PhoneNumber');
    const all = this.inventory.owned().filter((n) => !filter || n.phoneNumber === filter);
    const items = all.slice(page * pageSize, (page + 1) * pageSize).map((n) => incomingNumberJson(this.accountSid, n));
    const more = (page + 1) * pageSize < all.length;
    const uri = `${path}?${query.toString()}`;
    return { status: 200, body: pageJson('incoming_phone_numbers', items, { uri, page, pageSize, more }) };
  }

  private fetch({ path }: ApiRequest, sid: string): ApiAnswer {
    const owned = this.inventory.get(sid);
    return owned ? { status: 200, body: incomingNumberJson(this.accountSid, owned) } : notFound(path);
  }

  private release({ path }: ApiRequest, sid: string): ApiAnswer {
    return this.inventory.release(sid) ? { status: 204 } : notFound(path);
  }
}

function pageSizeOf(query: URLSearchParams, fallback: number): number {
  const size = Number(query.get('PageSize') ?? fallback);
  return Number.isInteger(size) && size > 0 ? Math.min(size, 1000) : fallback;
}
