import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors';

/** Whether an Authorization header is `Bearer <token>`, compared in constant time. No token configured: never. */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  if (!token) return false;
  const expected = Buffer.from(`Bearer ${token}`);
  const given = Buffer.from(header ?? '');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function unauthorized(): ApiError {
  return new ApiError(401, 'unauthorized', 'a valid admin bearer token is required', [], {
    'WWW-Authenticate': 'Bearer',
  });
}

export const ADMIN_TOKEN = Symbol('CALLPOOL_ADMIN_TOKEN');

/** Bearer CALLPOOL_ADMIN_TOKEN: whoever moves a service's clock decides which sessions and locks expire. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ADMIN_TOKEN) private readonly token: string | undefined) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    if (bearerMatches(header, this.token)) return true;
    throw unauthorized();
  }
}
