import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@callpool/clock';
import { PoolShard } from '../pool/pool-shard';
import { ListingView, RegisterListingCommand, SellListingCommand } from './commands';

@CommandHandler(RegisterListingCommand)
export class RegisterListingHandler implements ICommandHandler<RegisterListingCommand> {
  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ input }: RegisterListingCommand): Promise<ListingView> {
    await this.shard.execute({ type: 'RegisterListing', ...input }, this.clock.now().getTime()).committed;
    const listing = this.shard.state.listings.get(input.listingId);
    if (!listing) throw new Error(`listing ${input.listingId} was registered but is not in the pool`);
    const { listingId, dealerId, forwardTo, tier, title, dealerName, number, sold } = listing;
    return {
      listingId,
      dealerId,
      forwardTo,
      tier,
      ...(title ? { title } : {}),
      ...(dealerName ? { dealerName } : {}),
      number,
      sold,
    };
  }
}

@CommandHandler(SellListingCommand)
export class SellListingHandler implements ICommandHandler<SellListingCommand> {
  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ listingId }: SellListingCommand): Promise<{ listingId: string; sold: true; locksEnded: number }> {
    const { events, committed } = this.shard.execute({ type: 'SellListing', listingId }, this.clock.now().getTime());
    await committed;
    return { listingId, sold: true, locksEnded: events.filter((e) => e.type === 'NumberUnlocked').length };
  }
}
