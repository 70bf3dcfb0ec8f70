import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@callpool/clock';
import { newEvent } from '@callpool/contracts';
import { sealSecret } from '@callpool/service-kit';
import { AllocatorConfig } from '../config';
import { PRODUCER } from '../kafka/envelopes';
import { PoolShard } from '../pool/pool-shard';
import { ALLOCATOR_CONFIG } from '../tokens';
import { ConfigureDealerWebhookCommand } from './commands';

/**
 * Dealer settings are not pool state: the event goes to the log (the projector
 * delivers the notifications) through the shard's transactional writer, with
 * the secret sealed because the log is kept forever and widely readable.
 */
@CommandHandler(ConfigureDealerWebhookCommand)
export class ConfigureDealerWebhookHandler implements ICommandHandler<ConfigureDealerWebhookCommand> {
  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
  ) {}

  async execute({ input }: ConfigureDealerWebhookCommand): Promise<{ dealerId: string; webhookUrl: string }> {
    const { dealerId, webhookUrl, secret } = input;
    const event = newEvent(
      'DealerWebhookConfigured',
      { dealerId, webhookUrl, sealedSecret: sealSecret(secret, this.config.DEALER_WEBHOOK_KEY) },
      { occurredAt: this.clock.now(), metadata: { producer: PRODUCER } },
    );
    await this.shard.publish([event]);
    return { dealerId, webhookUrl };
  }
}
