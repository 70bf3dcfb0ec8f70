import { createHash } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@callpool/clock';
import { Metrics } from '@callpool/service-kit';
import type { Counter } from 'prom-client';
import { isAbuseLimit, PoolEventOf, wakesReplenisher } from '@callpool/pool-domain';
import { PoolShard, withinCommitTimeout } from '../pool/pool-shard';
import { AllocatorConfig } from '../config';
import { ALLOCATOR_CONFIG } from '../tokens';
import { Replenisher } from '../replenisher/replenisher';
import { DisplayAnswer, DisplayNumberCommand, RecordPageViewCommand } from './commands';

/**
 * POST /v1/displays: decide, apply, wait for the group commit, answer. The
 * controller calls it directly (not through the command bus): it is the one
 * path every visitor's page takes, and the bus's lookup per request is work
 * for nothing.
 */
@CommandHandler(DisplayNumberCommand)
export class DisplayNumberHandler implements ICommandHandler<DisplayNumberCommand> {
  private readonly displays: Counter<string>;
  private readonly limited: Counter<string>;

  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly replenisher: Replenisher,
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
    metrics: Metrics,
  ) {
    this.displays = metrics.counter('callpool_allocator_displays_total', 'Display answers, by pool', ['pool']);
    this.limited = metrics.counter(
      'callpool_allocator_displays_limited_total',
      'Overflow answers for an abuse limit (no number taken, not counted for sizing), by limit',
      ['limit'],
    );
  }

  async execute({ input }: DisplayNumberCommand): Promise<DisplayAnswer> {
    const now = this.clock.now().getTime();
    this.shard.expireSessionIfDue(input.sessionId, now);
    const { events, committed } = this.shard.execute({ type: 'DisplayNumber', ...input }, now);
    const shown = events[events.length - 1] as PoolEventOf<'NumberDisplayed'>;
    if (wakesReplenisher(shown.data, this.shard.state, now, this.shard.policy))
      this.replenisher.wake(shown.data.pool === 'overflow' ? input.listingId : undefined);
    await withinCommitTimeout(committed, this.config.COMMIT_TIMEOUT_MS);
    const { number, pool, attribution, expiresAt, overflowReason } = shown.data;
    this.displays.inc({ pool });
    if (isAbuseLimit(overflowReason)) this.limited.inc({ limit: overflowReason });
    return { number, pool, attribution, expiresAt };
  }
}

/** POST /v1/page-views: the PageViewed goes to callpool.web-events in the same group commit. */
@CommandHandler(RecordPageViewCommand)
export class RecordPageViewHandler implements ICommandHandler<RecordPageViewCommand> {
  constructor(
    private readonly shard: PoolShard,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
  ) {}

  async execute({ input }: RecordPageViewCommand): Promise<void> {
    const { pageViewId, ...view } = input;
    const causation = pageViewId ? { eventId: pageViewEventId(view.visitorId, pageViewId) } : undefined;
    const now = this.clock.now().getTime();
    this.shard.expireSessionIfDue(view.sessionId, now);
    const { committed } = this.shard.execute({ type: 'RecordPageView', ...view }, now, causation);
    await withinCommitTimeout(committed, this.config.COMMIT_TIMEOUT_MS);
  }
}

/**
 * A page view the browser retried (same pageViewId) becomes an event with the
 * same id, which every consumer already deduplicates by: page_views gets one
 * row. Hashed with the visitor id, so one visitor's ids cannot name another's events.
 */
export function pageViewEventId(visitorId: string, pageViewId: string): string {
  const digest = createHash('sha256').update(visitorId).update('\u0000').update(pageViewId).digest('hex');
  return `page-view-${digest.slice(0, 32)}`;
}
