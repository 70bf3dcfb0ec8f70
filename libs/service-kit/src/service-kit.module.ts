import { DynamicModule, Global, Module, RequestMethod } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { ClockModule } from './clock';
import { HealthController, HealthRegistry } from './health';
import { Metrics, MetricsController } from './metrics';

export interface ServiceKitOptions {
  service: string;
  clock: 'wall' | 'manual';
  logLevel: string;
  /** CALLPOOL_ADMIN_TOKEN: POST /internal/clock requires it (config refuses a manual clock without one). */
  adminToken?: string;
  /**
   * Routes that get no per-request logger (pino-http's child logger with the
   * request id): the allocator's display and page-view routes, where creating
   * it cost ~8 % of the CPU per request. Their errors are still logged, without the id.
   */
  unloggedRoutes?: Array<{ method: RequestMethod; path: string }>;
}

/**
 * What every callpool service has: structured logs (no request bodies: they
 * carry caller numbers and demographics), /health, /metrics and the clock.
 */
@Global()
@Module({})
export class ServiceKitModule {
  static forRoot(options: ServiceKitOptions): DynamicModule {
    return {
      module: ServiceKitModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: options.service,
            level: options.logLevel,
            autoLogging: false,
            // Bind only the request id to each request's logger: serialising
            // the whole request per call cost ~4% of the allocator's CPU.
            quietReqLogger: true,
            redact: ['req.headers.authorization', 'req.headers["x-twilio-signature"]'],
          },
          ...(options.unloggedRoutes?.length ? { exclude: options.unloggedRoutes } : {}),
        }),
        ClockModule.forRoot(options.clock, options.adminToken),
      ],
      controllers: [HealthController, MetricsController],
      providers: [HealthRegistry, Metrics],
      exports: [HealthRegistry, Metrics, ClockModule],
    };
  }
}
