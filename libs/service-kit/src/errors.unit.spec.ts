import { ArgumentsHost, Logger } from '@nestjs/common';
import { ApiError, ApiErrorFilter } from './errors';

/** A reply that records what the filter sent. */
function replyHost() {
  const sent: { status?: number; headers?: Record<string, string>; body?: unknown } = {};
  const reply = {
    status: (status: number) => ((sent.status = status), reply),
    headers: (headers: Record<string, string>) => ((sent.headers = headers), reply),
    type: () => reply,
    send: (body: unknown) => ((sent.body = body), reply),
  };
  const host = { switchToHttp: () => ({ getResponse: () => reply }) } as unknown as ArgumentsHost;
  return { host, sent };
}

describe('ApiErrorFilter', () => {
  let warn: jest.SpyInstance;
  let error: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });
  afterEach(() => jest.restoreAllMocks());

  it('answers a deliberate 503 with its code and Retry-After, logged as a warning without a stack', () => {
    const { host, sent } = replyHost();
    new ApiErrorFilter().catch(
      new ApiError(503, 'overloaded', 'too many decisions are waiting for the log', [], { 'Retry-After': '1' }),
      host,
    );
    expect(sent).toEqual({
      status: 503,
      headers: { 'Retry-After': '1' },
      body: { error: { code: 'overloaded', message: 'too many decisions are waiting for the log', details: [] } },
    });
    expect(error).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledWith(
      { status: 503, code: 'overloaded' },
      'request refused: too many decisions are waiting for the log',
    );
  });

  it('answers an unexpected exception 500 internal_error without its message, logged as an error with it', () => {
    const { host, sent } = replyHost();
    const bug = new TypeError("Cannot read properties of undefined (reading 'number')");
    new ApiErrorFilter().catch(bug, host);
    expect(sent.status).toBe(500);
    expect(sent.body).toEqual({ error: { code: 'internal_error', message: 'internal error', details: [] } });
    expect(error).toHaveBeenCalledWith({ err: bug }, 'request failed');
    expect(warn).not.toHaveBeenCalled();
  });

  it('logs nothing for a client error', () => {
    const { host, sent } = replyHost();
    new ApiErrorFilter().catch(new ApiError(400, 'invalid_request', 'invalid body: listingId Required'), host);
    expect(sent.status).toBe(400);
    expect(warn).not.toHaveBeenCalled();
    expect(error).not.toHaveBeenCalled();
  });
});
