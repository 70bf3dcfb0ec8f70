import { Body, Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { parseInput } from '@callpool/service-kit';
import { ChooseListing, ReceiveCall, RecordCallStatus, RecordDialOutcome } from '../calls/commands';
import { ViewFeed } from '../view/view-feed';
import { afterDialTwiml, dialTwiml, DialSettings, menuTwiml, spokenListing } from './twiml';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { ChooseParams, DialParams, StatusParams, VoiceParams } from './webhook-params';

export const DIAL_SETTINGS = Symbol('DIAL_SETTINGS');

/** Twilio's webhooks (CONTRACT.md, call-ingest): signature, parse, command, TwiML. */
@Controller('twilio')
@UseGuards(TwilioSignatureGuard)
export class TwilioWebhooksController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(DIAL_SETTINGS) private readonly dial: DialSettings,
    private readonly view: ViewFeed,
  ) {}

  // The XML content type is set only on success: errors keep the JSON error shape.
  @Post('voice')
  @HttpCode(200)
  async voice(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const decision = await this.commands.execute(new ReceiveCall(parseInput(VoiceParams, body)));
    void reply.type('text/xml');
    const { menu, routedTo } = decision.attribution;
    if (!menu) return dialTwiml(routedTo, this.dial);
    const listings = this.view.view().listings;
    const spoken = menu.map((option) => ({
      ...option,
      spoken: spokenListing(option.listingId, listings.get(option.listingId)),
    }));
    return menuTwiml(spoken, this.dial);
  }

  /** The caller menu's action (and its no-input redirect): ring the chosen listing. */
  @Post('choose')
  @HttpCode(200)
  async choose(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { routedTo } = await this.commands.execute(new ChooseListing(parseInput(ChooseParams, body)));
    void reply.type('text/xml');
    return dialTwiml(routedTo, this.dial);
  }

  @Post('status')
  @HttpCode(204)
  async status(@Body() body: unknown): Promise<void> {
    await this.commands.execute(new RecordCallStatus(parseInput(StatusParams, body)));
  }

  @Post('dial-status')
  @HttpCode(200)
  async dialStatus(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const { answered } = await this.commands.execute(new RecordDialOutcome(parseInput(DialParams, body)));
    void reply.type('text/xml');
    return afterDialTwiml(answered);
  }
}
