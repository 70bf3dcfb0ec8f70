import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';

/**
 * The one error shape of every HTTP API (CONTRACT.md):
 * `{"error":{"code":"...","message":"...","details":[...]}}`.
 * Handlers return or throw ApiError; the filter below maps everything else.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body() {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

/** Validates a request body (or params) with a zod schema; a 400 that says what is wrong where. */
export function parseInput<S extends z.ZodTypeAny>(schema: S, input: unknown, what = 'body'): z.infer<S> {
  const result = schema.safeParse(input ?? undefined);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
  const first = details[0];
  throw new ApiError(
    400,
    codeOf(result.error.issues[0]),
    `invalid ${what}: ${first.path || '(root)'} ${first.message}`,
    details,
  );
}

/** A refinement may name its own code (`params.code`), e.g. `unstorable_text`; anything else is `invalid_request`. */
function codeOf(issue: z.ZodIssue): string {
  const code = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
  return typeof code === 'string' ? code : 'invalid_request';
}

@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = toApiError(exception);
    if (error.status >= 500) {
      // A 5xx we chose (back-pressure, a rebuild under way, a dependency down) is the service working
      // as designed: a warning with its code, no stack, so an overload does not page anyone through
      // the error log nor spend CPU serialising stacks. Anything else is a bug: an error, with stack.
      if (exception instanceof ApiError)
        this.logger.warn({ status: error.status, code: error.code }, `request refused: ${error.message}`);
      else this.logger.error({ err: exception }, 'request failed');
    }
    // Explicit type: a route that answers XML on success must still send its errors as JSON.
    void reply.status(error.status).headers(error.headers).type('application/json; charset=utf-8').send(error.body());
  }
}

function toApiError(exception: unknown): ApiError {
  if (exception instanceof ApiError) return exception;
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    return new ApiError(status, codeFor(status), messageOf(exception));
  }
  // Fastify's own errors (malformed JSON, body too large, wrong content type) carry a statusCode.
  const fastifyError = exception as { statusCode?: number; message?: string; code?: string };
  if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode < 500) {
    const code =
      fastifyError.code === 'FST_ERR_CTP_INVALID_JSON_BODY' ? 'malformed_json' : codeFor(fastifyError.statusCode);
    return new ApiError(fastifyError.statusCode, code, fastifyError.message ?? 'bad request');
  }
  return new ApiError(500, 'internal_error', 'internal error');
}

function messageOf(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'string') return response;
  const message = (response as { message?: unknown }).message;
  return Array.isArray(message) ? message.join('; ') : String(message ?? exception.message);
}

function codeFor(status: number): string {
  const known: Record<number, string> = {
    [HttpStatus.BAD_REQUEST]: 'invalid_request',
    [HttpStatus.UNAUTHORIZED]: 'unauthorized',
    [HttpStatus.FORBIDDEN]: 'forbidden',
    [HttpStatus.NOT_FOUND]: 'not_found',
    [HttpStatus.PAYLOAD_TOO_LARGE]: 'payload_too_large',
    [HttpStatus.UNSUPPORTED_MEDIA_TYPE]: 'unsupported_media_type',
    [HttpStatus.SERVICE_UNAVAILABLE]: 'unavailable',
  };
  return known[status] ?? `http_${status}`;
}
