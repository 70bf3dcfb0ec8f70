import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, bearerMatches, unauthorized } from '@callpool/service-kit';
import { PoolRuleError } from '@callpool/pool-domain';
import { AllocatorConfig } from '../config';
import { CommitRefusedError } from '../kafka/group-commit';
import { NotReadyError, PoolShard } from '../pool/pool-shard';
import { ALLOCATOR_CONFIG } from '../tokens';

const RETRY_AFTER = { 'Retry-After': '1' };

/**
 * /v1/* answers 503 with Retry-After until the shard has rebuilt its state
 * from the log, and writes answer it while the group commit is backed up
 * (back-pressure: the decision is refused before it is made, never after).
 */
@Injectable()
export class ShardReadyGuard implements CanActivate {
  constructor(private readonly shard: PoolShard) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.shard.isReady())
      throw notReady(new NotReadyError(this.shard.status() === 'failed' ? 'failed' : 'rebuilding'));
    const method = context.switchToHttp().getRequest<FastifyRequest>().method;
    if (method !== 'GET' && this.shard.backedUp()) throw notReady(new NotReadyError('overloaded'));
    return true;
  }
}

/** Whoever can change a listing's forwardTo can redirect a dealer's calls: bearer CALLPOOL_ADMIN_TOKEN. */
@Injectable()
export class AdminTokenGuard implements CanActivate {
  constructor(@Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig) {}

  canActivate(context: ExecutionContext): boolean {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers.authorization;
    if (bearerMatches(header, this.config.CALLPOOL_ADMIN_TOKEN)) return true;
    throw unauthorized();
  }
}

/** The domain's refusals and the shard's state, as HTTP errors. */
export function asApiError(error: unknown): never {
  if (error instanceof PoolRuleError)
    throw new ApiError(error.code === 'listing_sold' ? 410 : 404, error.code, error.message);
  if (error instanceof NotReadyError) throw notReady(error);
  if (error instanceof CommitRefusedError) throw notReady(new NotReadyError('failed'));
  throw error;
}

function notReady(error: NotReadyError): ApiError {
  return new ApiError(
    503,
    { rebuilding: 'rebuilding', failed: 'unavailable', overloaded: 'overloaded', timeout: 'commit_timeout' }[
      error.reason
    ],
    error.message,
    [],
    RETRY_AFTER,
  );
}
