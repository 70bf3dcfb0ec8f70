import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AddressInfo } from 'node:net';
import { createService } from '@callpool/service-kit';
import { ProjectorModule } from './projector.module';
import { ProjectorOptions } from './projector.options';
import { ProjectorService } from './projector.service';

export interface RunningProjector {
  app: NestFastifyApplication;
  url: string;
  projector: ProjectorService;
  close(): Promise<void>;
}

/** Builds and starts the projector (tests call this in-process with their own prefix, database and port 0). */
export async function startProjector(options: ProjectorOptions): Promise<RunningProjector> {
  const { config } = options;
  const app = await createService(ProjectorModule.forRoot(options), { name: 'projector', port: config.PROJECTOR_PORT });
  // A projector that cannot start (database, log mismatch) releases what it opened before saying why.
  await app.listen(config.PROJECTOR_PORT, '0.0.0.0').catch(async (error: unknown) => {
    await app.close().catch(() => undefined);
    throw error;
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  return {
    app,
    url: `http://127.0.0.1:${port}`,
    projector: app.get(ProjectorService),
    close: () => app.close(),
  };
}
