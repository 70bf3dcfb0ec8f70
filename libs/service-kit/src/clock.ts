import {
  Body,
  Controller,
  DynamicModule,
  Get,
  Global,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  UseGuards,
} from '@nestjs/common';
import { z } from 'zod';
import { CLOCK, Clock, ClockWentBackwardsError, createClock, ManualClock } from '@callpool/clock';
import { ADMIN_TOKEN, AdminTokenGuard } from './bearer';
import { ApiError, parseInput } from './errors';

/** Something that commits the expiries falling due up to `now` (allocator: sessions, cool-downs, locks). */
export type DueWork = (now: Date) => Promise<void>;

@Injectable()
export class ClockAdvancer {
  private readonly work: DueWork[] = [];
  private queue: Promise<void> = Promise.resolve();

  constructor(@Inject(CLOCK) private readonly clock: Clock) {}

  onAdvance(work: DueWork): void {
    this.work.push(work);
  }

  /** Serialised: two clock moves never interleave their expiry commits. */
  advanceTo(now: Date): Promise<void> {
    const run = this.queue.then(async () => {
      (this.clock as ManualClock).advanceTo(now);
      for (const work of this.work) await work(now);
    });
    this.queue = run.catch(() => undefined);
    return run;
  }
}

const ClockMove = z.object({ now: z.string().datetime({ offset: true }) });

/**
 * POST /internal/clock: only mounted with CALLPOOL_CLOCK=manual (404
 * otherwise), and only for bearer CALLPOOL_ADMIN_TOKEN (401 otherwise), in
 * every service: moving a clock expires sessions and locks.
 */
@Controller('internal')
@UseGuards(AdminTokenGuard)
export class ClockController {
  constructor(
    private readonly advancer: ClockAdvancer,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Where this service's clock stands, so a simulator can start from it. */
  @Get('clock')
  read(): { now: string } {
    return { now: this.clock.now().toISOString() };
  }

  @Post('clock')
  @HttpCode(204)
  async move(@Body() body: unknown): Promise<void> {
    const { now } = parseInput(ClockMove, body);
    try {
      await this.advancer.advanceTo(new Date(now));
    } catch (error) {
      if (error instanceof ClockWentBackwardsError) throw new ApiError(409, 'clock_went_backwards', error.message);
      throw error;
    }
  }
}

@Global()
@Module({})
export class ClockModule {
  static forRoot(kind: 'wall' | 'manual', adminToken?: string): DynamicModule {
    return {
      module: ClockModule,
      controllers: kind === 'manual' ? [ClockController] : [],
      providers: [
        { provide: CLOCK, useValue: createClock(kind) },
        { provide: ADMIN_TOKEN, useValue: adminToken },
        AdminTokenGuard,
        ClockAdvancer,
      ],
      exports: [CLOCK, ClockAdvancer],
    };
  }
}
