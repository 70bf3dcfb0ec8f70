import RequestClient from 'twilio/lib/base/RequestClient';

export const TWILIO_API_ORIGIN = 'https://api.twilio.com';

/**
 * The `twilio` library has no base-URL option (edge/region only rename hosts
 * inside twilio.com), so the only seam for TWILIO_API_URL is its http client:
 * this one moves every request from api.twilio.com to `apiUrl` and otherwise
 * behaves exactly like the library's own client (auth header, form encoding,
 * timeout, status handling).
 */
export class RebasedRequestClient extends RequestClient {
  private readonly base: string;

  constructor(apiUrl: string, options: RequestClient.RequestClientOptions = {}) {
    super(options);
    this.base = apiUrl.replace(/\/+$/, '');
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    return super.request({ ...opts, uri: this.rebase(opts.uri) });
  }

  private rebase(uri: string): string {
    return uri.startsWith(TWILIO_API_ORIGIN) ? this.base + uri.slice(TWILIO_API_ORIGIN.length) : uri;
  }
}
