import { Body, Controller, Get, HttpCode, Inject, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@callpool/clock';
import { parseInput } from '@callpool/service-kit';
import { poolCounts, poolSizing } from '@callpool/pool-domain';
import {
  ConfigureDealerWebhookCommand,
  DisplayAnswer,
  DisplayNumberCommand,
  ListingView,
  RecordPageViewCommand,
  RegisterListingCommand,
  SellListingCommand,
} from '../commands/commands';
import { DisplayNumberHandler, RecordPageViewHandler } from '../commands/display.handlers';
import { PoolShard } from '../pool/pool-shard';
import { Replenisher } from '../replenisher/replenisher';
import { AdminTokenGuard, asApiError, ShardReadyGuard } from './guards';
import { RateLimitGuard } from './rate-limits';
import { SessionAdmission } from './session-admission';
import {
  DealerIdParam,
  DealerWebhookRequest,
  DisplayRequest,
  ListingIdParam,
  ListingRequest,
  PageViewRequest,
} from './inputs';
import { BrowserOriginGuard } from './web-tier';

/** The allocator's HTTP API (CONTRACT.md): parse, send the command, map the answer. */
@Controller('v1')
@UseGuards(BrowserOriginGuard, ShardReadyGuard)
export class PoolApiController {
  constructor(
    private readonly commands: CommandBus,
    private readonly displays: DisplayNumberHandler,
    private readonly pageViews: RecordPageViewHandler,
    private readonly shard: PoolShard,
    private readonly replenisher: Replenisher,
    private readonly admission: SessionAdmission,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('displays')
  @HttpCode(200)
  @UseGuards(RateLimitGuard)
  async display(@Body() body: unknown, @Req() request: FastifyRequest): Promise<DisplayAnswer> {
    const input = parseInput(DisplayRequest, body);
    const mayOpenSession = await this.admission.mayOpenSession(request, input.sessionId);
    return this.displays.execute(new DisplayNumberCommand({ ...input, mayOpenSession })).catch(asApiError);
  }

  @Post('page-views')
  @HttpCode(202)
  @UseGuards(RateLimitGuard)
  async pageView(@Body() body: unknown, @Req() request: FastifyRequest): Promise<{ accepted: true }> {
    const input = parseInput(PageViewRequest, body);
    const mayOpenSession = await this.admission.mayOpenSession(request, input.sessionId);
    await this.pageViews.execute(new RecordPageViewCommand({ ...input, mayOpenSession })).catch(asApiError);
    return { accepted: true };
  }

  @Put('listings/:listingId')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  registerListing(@Param() params: unknown, @Body() body: unknown): Promise<ListingView> {
    const { listingId } = parseInput(ListingIdParam, params, 'path');
    return this.commands
      .execute(new RegisterListingCommand({ listingId, ...parseInput(ListingRequest, body) }))
      .catch(asApiError);
  }

  @Post('listings/:listingId/sold')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  sellListing(@Param() params: unknown) {
    const { listingId } = parseInput(ListingIdParam, params, 'path');
    return this.commands.execute(new SellListingCommand(listingId)).catch(asApiError);
  }

  /** Where a dealer's completed calls are POSTed, signed with `secret` (CONTRACT.md, dealers). */
  @Put('dealers/:dealerId')
  @HttpCode(200)
  @UseGuards(AdminTokenGuard)
  configureDealer(@Param() params: unknown, @Body() body: unknown) {
    const { dealerId } = parseInput(DealerIdParam, params, 'path');
    const input = { dealerId, ...parseInput(DealerWebhookRequest, body) };
    return this.commands.execute(new ConfigureDealerWebhookCommand(input)).catch(asApiError);
  }

  @Get('pool')
  pool() {
    const { target, wanted } = poolSizing(this.shard.state, this.clock.now().getTime(), this.shard.policy);
    return { ...poolCounts(this.shard.state), target, provisioning: this.replenisher.provisioning, wanted };
  }
}
