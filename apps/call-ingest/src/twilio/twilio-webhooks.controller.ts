import { Body, Controller, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { CommandBus } from '@nestjs/cqrs';
import { parseInput } from '@callpool/service-kit';
import { ReceiveCall, RecordCallStatus, RecordDialOutcome } from '../calls/commands';
import { afterDialTwiml, dialTwiml, DialSettings } from './twiml';
import { TwilioSignatureGuard } from './twilio-signature.guard';
import { DialParams, StatusParams, VoiceParams } from './webhook-params';

export const DIAL_SETTINGS = Symbol('DIAL_SETTINGS');

/** Twilio's three webhooks (CONTRACT.md, call-ingest): signature, parse, command, TwiML. */
@Controller('twilio')
@UseGuards(TwilioSignatureGuard)
export class TwilioWebhooksController {
  constructor(
    private readonly commands: CommandBus,
    @Inject(DIAL_SETTINGS) private readonly dial: DialSettings,
  ) {}

  // The XML content type is set only on success: errors keep the JSON error shape.
  @Post('voice')
  @HttpCode(200)
  async voice(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    const decision = await this.commands.execute(new ReceiveCall(parseInput(VoiceParams, body)));
    void reply.type('text/xml');
    return dialTwiml(decision.attribution.routedTo, this.dial);
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
