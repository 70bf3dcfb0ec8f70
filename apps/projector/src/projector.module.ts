import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@callpool/service-kit';
import { PROJECTOR_OPTIONS, ProjectorOptions } from './projector.options';
import { ProjectorService } from './projector.service';

/** No HTTP API of its own: /health and /metrics come from the service kit. */
@Module({})
export class ProjectorModule {
  static forRoot(options: ProjectorOptions): DynamicModule {
    return {
      module: ProjectorModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'projector',
          clock: options.config.CALLPOOL_CLOCK,
          logLevel: options.config.LOG_LEVEL,
          adminToken: options.config.CALLPOOL_ADMIN_TOKEN,
        }),
      ],
      providers: [{ provide: PROJECTOR_OPTIONS, useValue: options }, ProjectorService],
      exports: [ProjectorService],
    };
  }
}
