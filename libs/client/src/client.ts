import { HttpApi } from '@callpool/contracts';
import { CallpoolApiError, CallpoolConnectionError, CallpoolError, CallpoolTimeoutError } from './errors';

export interface CallpoolClientOptions {
  /** The allocator, e.g. http://127.0.0.1:3001. */
  baseUrl: string;
  /** CALLPOOL_ADMIN_TOKEN: needed only for listings.put, listings.sold and dealers.put. */
  adminToken?: string;
  /** Per attempt; a page render should not wait longer for a number than it takes to show the dealer's. */
  timeoutMs?: number;
  /**
   * Attempts for a 503 (rebuilding, Retry-After) or an unreachable allocator;
   * 1 (no retry) by default: a page render shows the dealer's number instead.
   */
  attempts?: number;
  /** Longest pause between attempts. */
  maxRetryDelayMs?: number;
  fetch?: typeof fetch;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The allocator's API, typed from the schemas it validates with
 * (libs/contracts HttpApi). Every failure is a CallpoolError: an error answer
 * (CallpoolApiError with the contract's code), a timeout or no connection.
 */
export class CallpoolClient {
  private readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly attempts: number;
  private readonly fetch: typeof fetch;

  constructor(private readonly options: CallpoolClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 1500;
    this.attempts = Math.max(1, options.attempts ?? 1);
    this.fetch = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** Which number to show a visitor on a listing page (POST /v1/displays). */
  displays(request: HttpApi.DisplayRequest): Promise<HttpApi.DisplayAnswer> {
    return this.send('POST', '/v1/displays', request);
  }

  /** A page view or action (POST /v1/page-views); resolves once it is durably written. */
  async pageViews(request: HttpApi.PageViewRequest): Promise<void> {
    await this.send('POST', '/v1/page-views', request);
  }

  readonly listings = {
    put: (listingId: string, listing: HttpApi.ListingRequest): Promise<HttpApi.ListingAnswer> =>
      this.send('PUT', `/v1/listings/${encodeURIComponent(listingId)}`, listing, true),
    sold: (listingId: string): Promise<HttpApi.SoldAnswer> =>
      this.send('POST', `/v1/listings/${encodeURIComponent(listingId)}/sold`, undefined, true),
  };

  readonly dealers = {
    /** Where the dealer's call notifications go, and the secret (16 to 512 characters) they are signed with. */
    put: (dealerId: string, webhook: { webhookUrl: string; secret: string }): Promise<HttpApi.DealerWebhookAnswer> =>
      this.send('PUT', `/v1/dealers/${encodeURIComponent(dealerId)}`, webhook, true),
  };

  /** Numbers owned in each state (GET /v1/pool). */
  pool(): Promise<HttpApi.PoolAnswer> {
    return this.send('GET', '/v1/pool');
  }

  private async send<T>(method: string, path: string, body?: unknown, admin = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once<T>(method, path, body, admin);
      } catch (error) {
        if (attempt >= this.attempts || !retryable(error)) throw error;
        const hinted = error instanceof CallpoolApiError ? (error.retryAfterSeconds ?? 0) * 1000 : 0;
        await sleep(Math.min(this.options.maxRetryDelayMs ?? 2000, Math.max(hinted, 50 * 2 ** attempt)));
      }
    }
  }

  private async once<T>(method: string, path: string, body: unknown, admin: boolean): Promise<T> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (admin) headers.authorization = `Bearer ${this.options.adminToken ?? ''}`;
    let response: Response;
    try {
      response = await this.fetch(`${this.baseUrl}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw failure(error, `${method} ${path}`, this.timeoutMs);
    }
    const text = await response.text().catch(() => '');
    const parsed = parseJson(text);
    if (response.ok) return parsed as T;
    throw CallpoolApiError.from(response.status, parsed, response.headers.get('retry-after'));
  }
}

function failure(error: unknown, what: string, timeoutMs: number): CallpoolError {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError')
    return new CallpoolTimeoutError(`${what}: no answer within ${timeoutMs} ms`);
  const cause = (error as { cause?: { code?: string } })?.cause?.code ?? (error as Error)?.message;
  return new CallpoolConnectionError(`${what}: ${cause}`);
}

function retryable(error: unknown): boolean {
  return (
    (error instanceof CallpoolApiError && error.status === 503) ||
    error instanceof CallpoolConnectionError ||
    error instanceof CallpoolTimeoutError
  );
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return text;
  }
}
