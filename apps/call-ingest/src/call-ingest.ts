import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createService, serveApiDocs } from '@callpool/service-kit';
import { CallIngestDependencies, CallIngestModule } from './call-ingest.module';
import type { CallIngestConfig } from './config';
import { SpoolPublisher } from './spool/spool-publisher';
import { callIngestOpenApi } from './twilio/openapi';
import { ViewFeed } from './view/view-feed';

export interface StartOptions extends CallIngestDependencies {
  /** Overrides CALL_INGEST_PORT; tests pass 0 for a free port. */
  port?: number;
  host?: string;
}

export interface RunningCallIngest {
  app: NestFastifyApplication;
  url: string;
  /** Resolves once the replay of callpool.allocations serves calls. */
  whenViewLive(timeoutMs?: number): Promise<void>;
  /** Call events still waiting in the spool for Kafka. */
  pendingEvents(): number;
  close(): Promise<void>;
}

/** Builds and starts call-ingest in this process (main.ts and the tests). */
export async function startCallIngest(
  config: CallIngestConfig,
  options: StartOptions = {},
): Promise<RunningCallIngest> {
  const app = await createService(CallIngestModule.forRoot(config, options), {
    name: 'call-ingest',
    port: config.CALL_INGEST_PORT,
    bodyLimitBytes: config.CALL_INGEST_BODY_LIMIT_BYTES,
  });
  serveApiDocs(app, callIngestOpenApi());
  const host = options.host ?? '0.0.0.0';
  await app.listen(options.port ?? config.CALL_INGEST_PORT, host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.CALL_INGEST_PORT;
  const view = app.get(ViewFeed);
  const publisher = app.get(SpoolPublisher);
  let closing: Promise<void> | null = null;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    whenViewLive: (timeoutMs) => view.whenLive(timeoutMs),
    pendingEvents: () => publisher.status().pending,
    close: () => (closing ??= app.close()),
  };
}
