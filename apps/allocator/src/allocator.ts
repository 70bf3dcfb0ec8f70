import rateLimit from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService } from '@callpool/service-kit';
import { AllocatorLifecycle } from './allocator.lifecycle';
import { setUpWebTier } from './http/web-tier';
import { AllocatorDependencies, AllocatorModule } from './allocator.module';
import type { AllocatorConfig } from './config';
import { PoolShard } from './pool/pool-shard';

export interface StartOptions extends AllocatorDependencies {
  /** Overrides ALLOCATOR_PORT; tests pass 0 for a free port. */
  port?: number;
  host?: string;
}

export interface RunningAllocator {
  app: NestFastifyApplication;
  url: string;
  /** Resolves once the state is rebuilt and /v1/* answers; rejects if start-up failed. */
  ready(): Promise<void>;
  shard: PoolShard;
  close(): Promise<void>;
}

/**
 * Builds and starts the allocator in this process (main.ts and the tests).
 * It listens at once (answering 503 while it rebuilds) and goes live in the
 * background.
 */
export async function startAllocator(config: AllocatorConfig, options: StartOptions = {}): Promise<RunningAllocator> {
  const app = await createService(AllocatorModule.forRoot(config, options), {
    name: 'allocator',
    port: config.ALLOCATOR_PORT,
    // The largest valid body (ids, a 4 KiB context) is far below this; a bigger one is a 413, never parsed.
    bodyLimitBytes: 16 * 1024,
    trustProxy: config.TRUST_PROXY,
  });
  // Not global: only the routes that carry RateLimitGuard are limited (http/rate-limits.ts).
  await app.register(rateLimit as never, { global: false });
  setUpWebTier(app, config);
  const host = options.host ?? '0.0.0.0';
  await app.listen(options.port ?? config.ALLOCATOR_PORT, host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.ALLOCATOR_PORT;
  const live = app.get(AllocatorLifecycle).start();
  live.catch(() => undefined);
  let closing: Promise<void> | null = null;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    ready: () => live,
    shard: app.get(PoolShard),
    close: () => (closing ??= app.close()),
  };
}
