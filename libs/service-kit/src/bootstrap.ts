import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import { ApiErrorFilter } from './errors';

export interface ServiceStart {
  name: string;
  port: number;
  host?: string;
  /** Twilio posts small forms; the web tier small JSON. Anything bigger is refused with 413. */
  bodyLimitBytes?: number;
  /** Fastify's trustProxy: which X-Forwarded-For hops to believe for the client's address. */
  trustProxy?: boolean | number | string;
}

/** Nest on Fastify (Express is the limit at the allocator's request rates; see docs/benchmarks.md). */
export async function createService(module: unknown, start: ServiceStart): Promise<NestFastifyApplication> {
  const app = await NestFactory.create<NestFastifyApplication>(
    module as never,
    // Ids in paths may be 128 characters (CONTRACT.md); Fastify's default of 100 would answer 414.
    new FastifyAdapter({
      bodyLimit: start.bodyLimitBytes ?? 64 * 1024,
      routerOptions: { maxParamLength: 512 },
      // While a service shuts down, a request can still arrive on a connection opened before
      // (browsers preconnect sockets they send on later, and Node's server.close() leaves a socket
      // that has not sent a request open). Fastify's default answers it with a bare 503 that skips
      // every hook, CORS included, so a browser reports a CORS error to the page. Our services tear
      // their parts down only after HTTP is closed (onApplicationShutdown), so answer it properly;
      // Fastify still marks the answer `Connection: close`.
      return503OnClosing: false,
      ...(start.trustProxy !== undefined ? { trustProxy: start.trustProxy } : {}),
    }),
    { bufferLogs: true },
  );
  app.useLogger(app.get(Logger));
  app.useGlobalFilters(new ApiErrorFilter());
  app.enableShutdownHooks();
  return app;
}

export async function listen(app: NestFastifyApplication, start: ServiceStart): Promise<void> {
  await app.listen(start.port, start.host ?? '0.0.0.0');
  app.get(Logger).log(`${start.name} listening on ${start.host ?? '0.0.0.0'}:${start.port}`);
}

/** For main.ts: a configuration error prints its message and exits 1, without a stack trace. */
export function exitOnStartupError(service: string) {
  return (error: unknown): never => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`${service}: cannot start: ${message}\n`);
    process.exit(1);
  };
}
