import { Inject, Injectable } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AllocatorConfig } from '../config';
import { PoolShard } from '../pool/pool-shard';
import { ALLOCATOR_CONFIG } from '../tokens';

type Limiter = ReturnType<FastifyInstance['createRateLimit']>;

/**
 * The per-address limit on new sessions (RATE_LIMIT_SESSIONS_PER_ADDRESS per
 * RATE_LIMIT_SESSIONS_WINDOW_SECONDS), with @fastify/rate-limit's store. Only
 * a request for a session the pool does not know spends from it, so a real
 * visitor's later displays never do. Beyond it the pool answers overflow and
 * counts nothing (libs/pool-domain abuse-limits.ts): the one limit fresh
 * visitor ids cannot walk around.
 */
@Injectable()
export class SessionAdmission {
  private limiter: Limiter | null = null;
  private readonly allowed: Set<string>;

  constructor(
    private readonly host: HttpAdapterHost,
    private readonly shard: PoolShard,
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
  ) {
    this.allowed = new Set(config.RATE_LIMIT_ALLOW.map((address) => normalizeIP(address)));
  }

  async mayOpenSession(request: FastifyRequest, sessionId: string): Promise<boolean> {
    if (this.shard.state.sessions.has(sessionId)) return true;
    const result = await this.limiterOnce()(request);
    return result.isAllowed || !result.isExceeded;
  }

  /** Built on first use: the plugin decorates Fastify when startAllocator registers it. */
  private limiterOnce(): Limiter {
    this.limiter ??= this.host.httpAdapter.getInstance<FastifyInstance>().createRateLimit({
      max: this.config.RATE_LIMIT_SESSIONS_PER_ADDRESS,
      timeWindow: this.config.RATE_LIMIT_SESSIONS_WINDOW_SECONDS * 1000,
      keyGenerator: (request) => `new-session|${normalizeIP(request.ip)}`,
      allowList: (request) => this.allowed.has(normalizeIP(request.ip)),
    });
    return this.limiter;
  }
}
