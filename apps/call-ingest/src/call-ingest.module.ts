import { join } from 'node:path';
import { DynamicModule, Logger, Module } from '@nestjs/common';
import { CqrsModule } from '@nestjs/cqrs';
import type { Kafka } from 'kafkajs';
import { CLOCK, Clock, ManualClock } from '@callpool/clock';
import { topicName } from '@callpool/contracts';
import { createKafka, EventPublisher } from '@callpool/kafka';
import { ServiceKitModule } from '@callpool/service-kit';
import { CallLedger } from './calls/call-ledger';
import { CallJournal } from './calls/call-journal';
import { ATTRIBUTION_POLICY, ReceiveCallHandler } from './calls/receive-call.handler';
import { ChooseListingHandler } from './calls/choose-listing.handler';
import { RecordCallStatusHandler, RecordDialOutcomeHandler } from './calls/record-status.handlers';
import type { CallIngestConfig } from './config';
import { CallIngestLifecycle, CALL_INGEST_CONFIG } from './call-ingest.lifecycle';
import { Spool } from './spool/spool';
import { SpoolPublisher } from './spool/spool-publisher';
import { TwilioSignatureGuard, WEBHOOK_AUTH } from './twilio/twilio-signature.guard';
import { DIAL_SETTINGS, TwilioWebhooksController } from './twilio/twilio-webhooks.controller';
import { ViewFeed } from './view/view-feed';

export const KAFKA = Symbol('KAFKA');

export interface CallIngestDependencies {
  /** Tests hand in a client whose network they can cut; otherwise one is made from KAFKA_BROKERS. */
  kafka?: Kafka;
}

/** Wires the adapters around the pure parts; nothing here decides anything about a call. */
@Module({})
export class CallIngestModule {
  static forRoot(config: CallIngestConfig, deps: CallIngestDependencies = {}): DynamicModule {
    const logger = new Logger('call-ingest');
    return {
      module: CallIngestModule,
      imports: [
        ServiceKitModule.forRoot({
          service: 'call-ingest',
          clock: config.CALLPOOL_CLOCK,
          logLevel: config.LOG_LEVEL,
          adminToken: config.CALLPOOL_ADMIN_TOKEN,
        }),
        CqrsModule.forRoot(),
      ],
      controllers: [TwilioWebhooksController],
      providers: [
        { provide: CALL_INGEST_CONFIG, useValue: config },
        {
          provide: KAFKA,
          useFactory: () =>
            deps.kafka ??
            createKafka({
              brokers: config.KAFKA_BROKERS,
              clientId: 'call-ingest',
              topicPrefix: config.CALLPOOL_TOPIC_PREFIX,
            }),
        },
        { provide: Spool, useFactory: () => Spool.open({ dir: join(config.CALL_INGEST_DATA_DIR, 'spool') }) },
        {
          provide: CallLedger,
          inject: [Spool],
          useFactory: (spool: Spool) => {
            const ledger = new CallLedger();
            ledger.rebuild(spool.takeRecovered().map((record) => record.event));
            return ledger;
          },
        },
        {
          provide: ViewFeed,
          inject: [KAFKA, CLOCK],
          useFactory: (kafka: Kafka, clock: Clock) =>
            new ViewFeed({
              kafka,
              topicPrefix: config.CALLPOOL_TOPIC_PREFIX,
              replicationFactor: config.KAFKA_REPLICATION_FACTOR,
              dataDir: config.CALL_INGEST_DATA_DIR,
              snapshotEveryMs: config.VIEW_SNAPSHOT_SECONDS * 1000,
              onEventTime: (at) => (clock instanceof ManualClock ? clock.catchUpTo(at) : undefined),
              log: logger,
            }),
        },
        {
          provide: SpoolPublisher,
          inject: [Spool, KAFKA, CLOCK],
          useFactory: (spool: Spool, kafka: Kafka, clock: Clock) =>
            new SpoolPublisher(spool, () => new EventPublisher(kafka), {
              topic: topicName('calls', config.CALLPOOL_TOPIC_PREFIX),
              retainSeconds: config.SPOOL_RETAIN_SECONDS,
              now: () => clock.now(),
              onError: (error, attempt) => {
                if (attempt === 1 || attempt % 20 === 0)
                  logger.warn(`publishing spooled call events failed (attempt ${attempt}): ${error.message}`);
              },
            }),
        },
        {
          provide: ATTRIBUTION_POLICY,
          useValue: {
            mainLine: config.DIRECTORY_MAIN_LINE,
            windowSeconds: config.ATTRIBUTION_WINDOW_SECONDS,
            halfLifeSeconds: config.ATTRIBUTION_HALF_LIFE_SECONDS,
            callerMenu: config.CALLER_MENU,
          },
        },
        {
          provide: WEBHOOK_AUTH,
          useValue: { authToken: config.TWILIO_AUTH_TOKEN, publicBaseUrl: config.PUBLIC_BASE_URL },
        },
        {
          provide: DIAL_SETTINGS,
          useValue: {
            dialActionUrl: '/twilio/dial-status',
            chooseUrl: `${config.PUBLIC_BASE_URL}/twilio/choose`,
            timeoutSeconds: config.DIAL_TIMEOUT_SECONDS,
          },
        },
        CallJournal,
        TwilioSignatureGuard,
        ReceiveCallHandler,
        ChooseListingHandler,
        RecordCallStatusHandler,
        RecordDialOutcomeHandler,
        CallIngestLifecycle,
      ],
    };
  }
}
