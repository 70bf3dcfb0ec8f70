import { DynamicModule, Module, RequestMethod } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Kafka } from 'kafkajs';
import { createKafka } from '@callpool/kafka';
import { ServiceKitModule } from '@callpool/service-kit';
import { createTwilioNumbers, TwilioNumbers } from '@callpool/twilio';
import { AllocatorLifecycle } from './allocator.lifecycle';
import { DisplayNumberHandler, RecordPageViewHandler } from './commands/display.handlers';
import { RegisterListingHandler, SellListingHandler } from './commands/listing.handlers';
import { ConfigureDealerWebhookHandler } from './commands/dealer.handlers';
import { ExpireDueHandler, RecordCallHandler, RecordProvisioningHandler } from './commands/shard.handlers';
import { AllocatorConfig, policyFromConfig } from './config';
import { AdminTokenGuard, ShardReadyGuard } from './http/guards';
import { PoolApiController } from './http/pool-api.controller';
import { RateLimitGuard } from './http/rate-limits';
import { SessionAdmission } from './http/session-admission';
import { BrowserOriginGuard } from './http/web-tier';
import { PoolShard } from './pool/pool-shard';
import { Replenisher } from './replenisher/replenisher';
import { SnippetController } from './snippet/snippet.controller';
import { ALLOCATOR_CONFIG, EXIT, Exit, KAFKA, TWILIO_NUMBERS } from './tokens';

export interface AllocatorDependencies {
  kafka?: Kafka;
  twilio?: TwilioNumbers;
  /** Called when the allocator must stop writing (fenced, failed transaction); process.exit by default. */
  exit?: Exit;
}

/** Adapters around the pool's rules: HTTP, Kafka, Twilio. Nothing here decides anything about a number. */
@Module({})
export class AllocatorModule {
  static forRoot(config: AllocatorConfig, deps: AllocatorDependencies = {}): DynamicModule {
    return {
      module: AllocatorModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'allocator',
          clock: config.CALLPOOL_CLOCK,
          logLevel: config.LOG_LEVEL,
          adminToken: config.CALLPOOL_ADMIN_TOKEN,
          // The two routes every visitor's page calls: no per-request child logger (docs/benchmarks.md).
          unloggedRoutes: [
            { method: RequestMethod.POST, path: 'v1/displays' },
            { method: RequestMethod.POST, path: 'v1/page-views' },
          ],
        }),
        CqrsModule.forRoot(),
      ],
      controllers: [PoolApiController, SnippetController],
      providers: [
        { provide: ALLOCATOR_CONFIG, useValue: config },
        {
          provide: KAFKA,
          useFactory: () =>
            deps.kafka ??
            createKafka({
              brokers: config.KAFKA_BROKERS,
              clientId: `allocator-${config.ALLOCATOR_SHARD}`,
              topicPrefix: config.CALLPOOL_TOPIC_PREFIX,
            }),
        },
        {
          provide: TWILIO_NUMBERS,
          useFactory: () =>
            deps.twilio ??
            createTwilioNumbers({
              accountSid: config.TWILIO_ACCOUNT_SID,
              authToken: config.TWILIO_AUTH_TOKEN,
              apiUrl: config.TWILIO_API_URL,
              timeoutMs: config.TWILIO_TIMEOUT_MS,
            }),
        },
        { provide: EXIT, useValue: deps.exit ?? ((code: number) => process.exit(code)) },
        { provide: PoolShard, useFactory: () => new PoolShard(policyFromConfig(config)) },
        Replenisher,
        AllocatorLifecycle,
        ShardReadyGuard,
        AdminTokenGuard,
        RateLimitGuard,
        SessionAdmission,
        BrowserOriginGuard,
        DisplayNumberHandler,
        RecordPageViewHandler,
        RegisterListingHandler,
        SellListingHandler,
        ConfigureDealerWebhookHandler,
        RecordCallHandler,
        ExpireDueHandler,
        RecordProvisioningHandler,
      ],
    };
  }
}
