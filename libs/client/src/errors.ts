import type { HttpApi } from '@callpool/contracts';

/** Codes the allocator answers with (CONTRACT.md); others may be added, so any string is possible. */
export type ApiErrorCode =
  | 'invalid_request'
  | 'malformed_json'
  | 'unauthorized'
  | 'origin_not_allowed'
  | 'listing_not_found'
  | 'listing_sold'
  | 'rebuilding'
  | 'unavailable'
  | (string & {});

/** Anything that kept a request from an answer the caller can use. */
export class CallpoolError extends Error {
  override readonly name: string = 'CallpoolError';
}

/** The allocator answered with the contract's error shape `{"error":{"code","message","details"}}`. */
export class CallpoolApiError extends CallpoolError {
  override readonly name = 'CallpoolApiError';

  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly details: unknown[] = [],
    /** Seconds from Retry-After (503 while the allocator rebuilds). */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${status} ${code}: ${message}`);
  }

  static from(status: number, body: unknown, retryAfter: string | null): CallpoolApiError {
    const error = (body as Partial<HttpApi.ApiErrorBody> | undefined)?.error;
    const seconds = retryAfter === null ? undefined : Number(retryAfter);
    return new CallpoolApiError(
      status,
      typeof error?.code === 'string' ? error.code : `http_${status}`,
      typeof error?.message === 'string' ? error.message : 'no error body',
      Array.isArray(error?.details) ? error.details : [],
      Number.isFinite(seconds) ? seconds : undefined,
    );
  }
}

/** No answer within the client's timeout. */
export class CallpoolTimeoutError extends CallpoolError {
  override readonly name = 'CallpoolTimeoutError';
}

/** The allocator could not be reached (refused, reset, DNS). */
export class CallpoolConnectionError extends CallpoolError {
  override readonly name = 'CallpoolConnectionError';
}

/** True when `error` is an API error, of `code` if given: `if (isApiError(e, 'listing_sold')) ...`. */
export function isApiError(error: unknown, code?: ApiErrorCode): error is CallpoolApiError {
  return error instanceof CallpoolApiError && (code === undefined || error.code === code);
}
