import { Body, Controller, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { z } from 'zod';
import { Id, VisitorContext } from '@callpool/contracts';
import { parseInput, ServiceKitModule } from '@callpool/service-kit';
import { BASELINE_SETTINGS, BaselineSettings, DisplayAnswer, DisplayRepository } from './display.repository';

const DisplayRequest = z.object({ visitorId: Id, sessionId: Id, listingId: Id, context: VisitorContext.optional() });

/** Same contract and input validation as the real allocator's POST /v1/displays. */
@Controller('v1')
class BaselineDisplaysController {
  constructor(private readonly displays: DisplayRepository) {}

  @Post('displays')
  @HttpCode(200)
  display(@Body() body: unknown): Promise<DisplayAnswer> {
    return this.displays.display(parseInput(DisplayRequest, body));
  }
}

/** Nest on Fastify with the same service kit (logger, filter, /health) as the real services. */
@Module({})
export class BaselineAllocatorModule {
  static forRoot(settings: BaselineSettings, logLevel: string): DynamicModule {
    return {
      module: BaselineAllocatorModule,
      imports: [ServiceKitModule.forRoot({ service: 'baseline-allocator', clock: 'wall', logLevel })],
      controllers: [BaselineDisplaysController],
      providers: [{ provide: BASELINE_SETTINGS, useValue: settings }, DisplayRepository],
    };
  }
}
