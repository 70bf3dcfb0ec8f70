import { Inject, Logger } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@callpool/clock';
import { PoolShard } from '../pool/pool-shard';
import { ExpireDueCommand, RecordCallCommand, RecordProvisioningCommand } from './commands';

/** CallReceived → NumberLocked (or nothing: see decideCall), with the consumer's offsets in the same transaction. */
@CommandHandler(RecordCallCommand)
export class RecordCallHandler implements ICommandHandler<RecordCallCommand> {
  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ call, eventId, offsets }: RecordCallCommand): Promise<{ locked: boolean }> {
    const { events, committed } = this.shard.execute(
      { type: 'RecordCall', call, eventId },
      this.clock.now().getTime(),
      { causationId: eventId },
      offsets,
    );
    await committed;
    return { locked: events.length > 0 };
  }
}

/**
 * Expiries due up to `now`, in due order, in batches of the policy's limit,
 * all committed before this resolves (POST /internal/clock answers 204 only
 * then).
 */
@CommandHandler(ExpireDueCommand)
export class ExpireDueHandler implements ICommandHandler<ExpireDueCommand> {
  private readonly log = new Logger('expiry');

  constructor(private readonly shard: PoolShard) {}

  async execute({ now }: ExpireDueCommand): Promise<number> {
    const commits: Promise<void>[] = [];
    let count = 0;
    for (;;) {
      const { events, committed } = this.shard.execute({ type: 'ExpireDue' }, now.getTime());
      if (events.length === 0) break;
      count += events.length;
      commits.push(committed);
    }
    await Promise.all(commits);
    if (count > 0) this.log.debug(`committed ${count} expiry events up to ${now.toISOString()}`);
    return count;
  }
}

@CommandHandler(RecordProvisioningCommand)
export class RecordProvisioningHandler implements ICommandHandler<RecordProvisioningCommand> {
  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ result }: RecordProvisioningCommand): Promise<boolean> {
    const { events, committed } = this.shard.execute(result, this.clock.now().getTime());
    await committed;
    return events.length > 0;
  }
}
