import {
  CanActivate,
  Controller,
  DynamicModule,
  ExecutionContext,
  HttpCode,
  Inject,
  Injectable,
  Module,
  Post,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AddressInfo } from 'node:net';
import { ApiError, createService, ServiceKitModule } from '@callpool/service-kit';
import { isValidTwilioSignature } from '@callpool/twilio';

/** What the lower bound of a webhook costs on this framework: parse the form, answer fixed TwiML. */
const FIXED_TWIML =
  '<?xml version="1.0" encoding="UTF-8"?><Response><Dial action="https://example.test/twilio/dial-status" method="POST" timeout="25"><Number>+15557654321</Number></Dial></Response>';

const SIGNATURE = Symbol('SIGNATURE');

interface SignatureCheck {
  authToken: string;
  publicBaseUrl: string;
}

/** Optional: the same signature check as call-ingest, to show what it costs on its own. */
@Injectable()
class OptionalSignatureGuard implements CanActivate {
  constructor(@Inject(SIGNATURE) private readonly check: SignatureCheck | null) {}

  canActivate(context: ExecutionContext): boolean {
    if (!this.check) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const signature = request.headers['x-twilio-signature'];
    const params = (request.body ?? {}) as Record<string, string>;
    if (
      typeof signature === 'string' &&
      isValidTwilioSignature(this.check.authToken, signature, `${this.check.publicBaseUrl}${request.url}`, params)
    )
      return true;
    throw new ApiError(403, 'invalid_signature', 'bad signature');
  }
}

@Controller('twilio')
@UseGuards(OptionalSignatureGuard)
class BareVoiceController {
  @Post('voice')
  @HttpCode(200)
  voice(@Res({ passthrough: true }) reply: FastifyReply): string {
    void reply.type('text/xml');
    return FIXED_TWIML;
  }
}

@Module({})
class BareTwimlModule {
  static forRoot(check: SignatureCheck | null): DynamicModule {
    return {
      module: BareTwimlModule,
      imports: [ServiceKitModule.forRoot({ service: 'bare-twiml', clock: 'wall', logLevel: 'warn' })],
      controllers: [BareVoiceController],
      providers: [{ provide: SIGNATURE, useValue: check }, OptionalSignatureGuard],
    };
  }
}

export interface RunningBareTwiml {
  app: NestFastifyApplication;
  url: string;
  close(): Promise<void>;
}

/** The bare handler of the call-ingest benchmark: same framework and service kit, no view, no spool, no Kafka. */
export async function startBareTwiml(
  options: { port?: number; signature?: SignatureCheck | null } = {},
): Promise<RunningBareTwiml> {
  const app = await createService(BareTwimlModule.forRoot(options.signature ?? null), {
    name: 'bare-twiml',
    port: options.port ?? 0,
    bodyLimitBytes: 32 * 1024,
  });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
