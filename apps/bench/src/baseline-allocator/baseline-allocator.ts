import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { commonEnv, databaseEnv, loadConfig } from '@callpool/config';
import { createService } from '@callpool/service-kit';
import { BaselineAllocatorModule } from './baseline.module';
import { createBaselineSchema } from './schema';

export const baselineEnv = z.object({
  LOG_LEVEL: commonEnv.LOG_LEVEL,
  ...databaseEnv,
  BASELINE_PORT: z.coerce.number().int().min(0).max(65535).default(3091),
  /** Postgres connections; the benchmark sets it to match the real allocator's concurrency budget. */
  BASELINE_PG_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(20),
  SESSION_IDLE_SECONDS: z.coerce.number().int().positive().default(600),
});

export type BaselineConfig = z.infer<typeof baselineEnv>;

export const loadBaselineConfig = (env: NodeJS.ProcessEnv = process.env) => loadConfig(baselineEnv, env);

export interface RunningBaseline {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** The baseline allocator (benchmarks only): creates its tables if missing and listens. */
export async function startBaselineAllocator(config: BaselineConfig): Promise<RunningBaseline> {
  await createBaselineSchema(config.DATABASE_URL);
  const settings = {
    databaseUrl: config.DATABASE_URL,
    poolSize: config.BASELINE_PG_POOL_SIZE,
    sessionIdleSeconds: config.SESSION_IDLE_SECONDS,
  };
  const app = await createService(BaselineAllocatorModule.forRoot(settings, config.LOG_LEVEL), {
    name: 'baseline-allocator',
    port: config.BASELINE_PORT,
  });
  await app.listen(config.BASELINE_PORT, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
