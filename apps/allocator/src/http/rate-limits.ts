import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Counter } from 'prom-client';
import { ApiError, Metrics } from '@callpool/service-kit';
import { AllocatorConfig } from '../config';
import { ALLOCATOR_CONFIG } from '../tokens';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;
type LimitedBy = 'address' | 'visitor';

/**
 * Rate limits of the two endpoints every visitor's browser calls (POST
 * /v1/displays and /v1/page-views), per client address and per visitor, each
 * route counted apart, with @fastify/rate-limit's store. A script opening
 * fresh visitor ids from one address meets the address limit; one visitor
 * hammering meets the visitor limit. The defaults sit far above what a
 * person's browser does (see apps/allocator/README.md, Rate limits).
 * Addresses in RATE_LIMIT_ALLOW (the local simulator and benchmarks) are never limited.
 */
@Injectable()
export class RateLimitGuard implements CanActivate {
  private limiters: Array<{ by: LimitedBy; check: Limiter }> | null = null;
  private readonly allowed: Set<string>;
  private readonly refused: Counter<string>;

  constructor(
    private readonly host: HttpAdapterHost,
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
    metrics: Metrics,
  ) {
    this.allowed = new Set(config.RATE_LIMIT_ALLOW.map((address) => normalizeIP(address)));
    this.refused = metrics.counter(
      'callpool_allocator_rate_limited_total',
      'Requests refused with 429 by the rate limits, by route and by what was limited',
      ['route', 'by'],
    );
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    for (const { by, check } of this.limitersOnce()) {
      const result = await check(request);
      if (result.isAllowed || !result.isExceeded) continue;
      const route = routeOf(request);
      this.refused.inc({ route, by });
      throw new ApiError(
        429,
        'rate_limited',
        `too many requests to ${route} from this ${by}; try again in ${result.ttlInSeconds} s`,
        [],
        { 'Retry-After': String(result.ttlInSeconds) },
      );
    }
    return true;
  }

  /** Built on first use: the plugin decorates Fastify when startAllocator registers it, after this guard exists. */
  private limitersOnce() {
    if (this.limiters) return this.limiters;
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    const limiter = (by: LimitedBy, max: number, key: (request: FastifyRequest) => string) => ({
      by,
      check: fastify.createRateLimit({
        max,
        timeWindow: this.config.RATE_LIMIT_WINDOW_SECONDS * 1000,
        keyGenerator: (request) => `${routeOf(request)}|${by}|${key(request)}`,
        allowList: (request) => this.allowed.has(normalizeIP(request.ip)),
      }),
    });
    this.limiters = [
      limiter('address', this.config.RATE_LIMIT_PER_ADDRESS, (request) => normalizeIP(request.ip)),
      limiter('visitor', this.config.RATE_LIMIT_PER_VISITOR, visitorOf),
    ];
    return this.limiters;
  }
}

function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url;
}

/** A body without a usable visitor id is a 400 further on; until then it counts against one shared key. */
function visitorOf(request: FastifyRequest): string {
  const visitorId = (request.body as { visitorId?: unknown } | undefined)?.visitorId;
  return typeof visitorId === 'string' && visitorId.length <= 128 ? visitorId : '(none)';
}
