import { DynamicModule, Module } from '@nestjs/common';
import { ServiceKitModule } from '@callpool/service-kit';
import { PROJECTOR_OPTIONS, ProjectorOptions } from './projector.options';
import { ProjectorService } from './projector.service';
import { AnalystPasswordGuard } from './dashboard/dashboard.auth';
import { DashboardController } from './dashboard/dashboard.controller';
import { DashboardService } from './dashboard/dashboard.service';

/** /health and /metrics come from the service kit; /dashboard is the analysts' live view. */
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
      controllers: [DashboardController],
      providers: [
        { provide: PROJECTOR_OPTIONS, useValue: options },
        ProjectorService,
        DashboardService,
        AnalystPasswordGuard,
      ],
      exports: [ProjectorService],
    };
  }
}
