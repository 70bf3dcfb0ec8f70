import { timingSafeEqual } from 'node:crypto';
import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '@callpool/service-kit';
import { PROJECTOR_OPTIONS, ProjectorOptions } from '../projector.options';

/**
 * HTTP basic auth with the analyst's password (ANALYST_PASSWORD; any user
 * name): whoever may read the relations may see them drawn. Without the
 * password set the dashboard is off, like the analyst's login.
 */
@Injectable()
export class AnalystPasswordGuard implements CanActivate {
  private readonly expected?: Buffer;

  constructor(@Inject(PROJECTOR_OPTIONS) options: ProjectorOptions) {
    const password = options.config.ANALYST_PASSWORD;
    this.expected = password ? Buffer.from(password) : undefined;
  }

  canActivate(context: ExecutionContext): boolean {
    if (!this.expected)
      throw new ApiError(503, 'dashboard_disabled', 'set ANALYST_PASSWORD to open the dashboard (docs/analytics.md)');
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization ?? '';
    const [scheme, encoded] = header.split(' ');
    const decoded = scheme === 'Basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const given = Buffer.from(decoded.slice(decoded.indexOf(':') + 1));
    if (decoded.includes(':') && given.length === this.expected.length && timingSafeEqual(given, this.expected))
      return true;
    throw new ApiError(401, 'unauthorized', 'the analyst password is required (HTTP basic auth)', [], {
      'WWW-Authenticate': 'Basic realm="callpool dashboard", charset="UTF-8"',
    });
  }
}
