import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ApiError, serveApiDocs } from '@callpool/service-kit';
import { AllocatorConfig, allowedOrigins } from '../config';
import { ALLOCATOR_CONFIG } from '../tokens';
import { allocatorOpenApi } from './openapi';

/**
 * What the directory's web tier meets besides the routes: CORS for the
 * browsers of ALLOWED_ORIGINS (@fastify/cors through Nest; no cookies cross,
 * the snippet sends its ids in the body), /openapi.json and /docs.
 */
export function setUpWebTier(app: NestFastifyApplication, config: AllocatorConfig): void {
  app.enableCors({
    origin: allowedOrigins(config),
    methods: ['GET', 'POST'],
    allowedHeaders: ['content-type'],
    credentials: false,
    maxAge: 600,
  });
  serveApiDocs(app, allocatorOpenApi());
}

/**
 * CORS headers alone leave the refusal to the browser; this refuses a foreign
 * page's request outright (403), so a page of another site can take no numbers
 * even where a browser would send the request. Server-side callers send no
 * Origin; the allocator's own pages (/docs) are same-origin.
 */
@Injectable()
export class BrowserOriginGuard implements CanActivate {
  private readonly allowed: Set<string>;

  constructor(@Inject(ALLOCATOR_CONFIG) config: AllocatorConfig) {
    this.allowed = new Set(allowedOrigins(config));
  }

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const origin = request.headers.origin;
    if (!origin || this.allowed.has(origin) || sameHost(origin, request.headers.host)) return true;
    throw new ApiError(403, 'origin_not_allowed', `browsers on ${origin} may not call this API (ALLOWED_ORIGINS)`);
  }
}

function sameHost(origin: string, host: string | undefined): boolean {
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}
