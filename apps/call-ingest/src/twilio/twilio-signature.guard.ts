import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ApiError, Metrics } from '@callpool/service-kit';
import { isValidTwilioSignature } from '@callpool/twilio';

export const WEBHOOK_AUTH = Symbol('WEBHOOK_AUTH');

export interface WebhookAuth {
  authToken: string;
  /** PUBLIC_BASE_URL without a trailing slash: Twilio signs the URL it called, not our Host header. */
  publicBaseUrl: string;
}

/**
 * Every Twilio webhook must carry a valid `X-Twilio-Signature` over the
 * public URL and the flat-parsed form parameters (the Fastify adapter parses
 * urlencoded bodies flat: repeated keys become arrays, brackets stay in the
 * name, which is how the library signs them). Anything else is a 403 that
 * records nothing.
 */
@Injectable()
export class TwilioSignatureGuard implements CanActivate {
  constructor(
    @Inject(WEBHOOK_AUTH) private readonly auth: WebhookAuth,
    private readonly metrics: Metrics,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers['x-twilio-signature'];
    const signature = typeof header === 'string' ? header : undefined;
    const params = isFormParams(request.body) ? request.body : {};
    const url = `${this.auth.publicBaseUrl}${request.url}`;
    if (signature && isValidTwilioSignature(this.auth.authToken, signature, url, params)) return true;
    this.metrics
      .counter('callpool_webhooks_rejected_total', 'Twilio webhooks refused for their signature', ['reason'])
      .inc({ reason: signature ? 'invalid' : 'missing' });
    throw new ApiError(403, 'invalid_signature', 'X-Twilio-Signature is missing or does not match this request');
  }
}

function isFormParams(body: unknown): body is Record<string, string | string[]> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}
