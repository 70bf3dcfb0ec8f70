import { Inject, Injectable, Logger } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { CLOCK, Clock } from '@callpool/clock';
import { Metrics } from '@callpool/service-kit';
import type { Counter } from 'prom-client';
import { planReplenishment, SIZING_WINDOW_MS } from '@callpool/pool-domain';
import { areaCodeOf, AvailableNumber, NumberWebhooks, TwilioNumbers, TwilioRequestError } from '@callpool/twilio';
import { RecordProvisioningCommand } from '../commands/commands';
import { AllocatorConfig } from '../config';
import { PoolShard } from '../pool/pool-shard';
import { ALLOCATOR_CONFIG, TWILIO_NUMBERS } from '../tokens';
import { Backoff } from './backoff';
import { ownNumbers } from './own-numbers';
import { TwilioReleases } from './release';

/**
 * Keeps Pool 1 at the domain's target by buying from Twilio, and gives back
 * what the plan says is surplus. The plan (how many, which) is the domain's;
 * this class only does the I/O: purchases run concurrently, each recorded as
 * NumberProvisioned, each failure as NumberProvisioningFailed followed by a
 * back-off in real time (Twilio's rate limits are in real time, whatever the
 * service clock says). Displays never wait for it: they answer overflow.
 */
@Injectable()
export class Replenisher {
  private readonly log = new Logger('replenisher');
  private inFlight = 0;
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | null = null;
  private readonly backoff: Backoff;
  private readonly reconcileBackoff: Backoff;
  private readonly wantedAreaCodes: string[] = [];
  private readonly releasing = new Set<string>();
  /** Numbers a purchase is under way for: a second round's search still lists them as available. */
  private readonly purchasing = new Set<string>();
  private searches: Promise<unknown> = Promise.resolve();
  /** At start (a purchase may have completed just before a crash) and after a timed-out purchase. */
  private reconcileDue = true;
  private readonly releasesAtTwilio: TwilioReleases;
  private stopped = false;
  private capLoggedWindow = -1;
  private readonly webhooks: NumberWebhooks;
  private readonly purchases: Counter<string>;
  private readonly releases: Counter<string>;

  constructor(
    private readonly shard: PoolShard,
    private readonly commands: CommandBus,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(TWILIO_NUMBERS) private readonly twilio: TwilioNumbers,
    @Inject(ALLOCATOR_CONFIG) private readonly config: AllocatorConfig,
    metrics: Metrics,
  ) {
    this.purchases = metrics.counter(
      'callpool_allocator_purchases_total',
      'Twilio purchases, by outcome (bought; adopted after a timeout; or why they failed)',
      ['outcome'],
    );
    this.releases = metrics.counter('callpool_allocator_releases_total', 'Numbers given back, by reason', ['reason']);
    this.backoff = new Backoff(config.PROVISION_BACKOFF_MS, config.PROVISION_BACKOFF_MAX_MS);
    this.reconcileBackoff = new Backoff(config.PROVISION_BACKOFF_MS, config.PROVISION_BACKOFF_MAX_MS);
    this.releasesAtTwilio = new TwilioReleases(
      twilio,
      this.log,
      config.RELEASE_RETRY_BASE_MS,
      config.RELEASE_RETRY_MAX_MS,
    );
    metrics.gauge(
      'callpool_allocator_releases_pending',
      'Numbers released in the log whose release at Twilio failed and waits for a retry',
      [],
      (gauge) => gauge.set(this.releasesAtTwilio.pending),
    );
    this.webhooks = {
      voiceUrl: `${config.PUBLIC_BASE_URL}/twilio/voice`,
      statusCallback: `${config.PUBLIC_BASE_URL}/twilio/status`,
      ...(config.TWILIO_VOICE_FALLBACK_URL ? { voiceFallbackUrl: config.TWILIO_VOICE_FALLBACK_URL } : {}),
    };
  }

  /** Purchases under way (GET /v1/pool `provisioning`). */
  get provisioning(): number {
    return this.inFlight;
  }

  start(): void {
    this.timer = setInterval(() => this.wake(), this.config.REPLENISH_INTERVAL_MS);
    this.wake();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** An overflow answer: buy soon, in the dealer's area code if we know it. */
  wake(listingId?: string): void {
    if (listingId) this.rememberAreaCode(listingId);
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    setImmediate(() => void this.round());
  }

  private async round(): Promise<void> {
    try {
      do {
        this.again = false;
        if (this.stopped || !this.shard.isReady()) return;
        // Never beside a purchase (it would adopt the number that purchase is about to record); a failed
        // reconcile has its own back-off, so purchases do not wait for Twilio's number list.
        if (this.reconcileDue && this.inFlight === 0 && this.backoff.ready() && this.reconcileBackoff.ready())
          await this.reconcile().catch((error: Error) => {
            this.log.warn(`reconcile failed: ${error.message}; again in ${this.reconcileBackoff.failed()} ms`);
          });
        await this.releasesAtTwilio.retryDue();
        const now = this.clock.now().getTime();
        const plan = planReplenishment(this.shard.state, now, this.shard.policy, this.inFlight);
        this.sayWhenCapBinds(plan.wanted, now);
        const buy = this.backoff.ready() ? plan.buy : 0;
        if (buy > 0) void this.buy(buy, this.wantedAreaCodes.shift());
        for (const { number, reason } of plan.release) void this.release(number, reason);
      } while (this.again);
    } catch (error) {
      this.log.warn(`replenishment round failed: ${(error as Error).message}`);
    } finally {
      this.running = false;
    }
  }

  /** One search for `count` candidates, then the purchases side by side (searching per purchase would race for the same number). */
  private async buy(count: number, areaCode: string | undefined): Promise<void> {
    this.inFlight += count;
    let pending = count;
    const done = () => {
      pending--;
      this.inFlight--;
    };
    try {
      const candidates = await this.claimCandidates(areaCode, count);
      if (candidates.length === 0)
        throw new TwilioRequestError('rejected', `no numbers available${areaCode ? ` in area code ${areaCode}` : ''}`);
      await Promise.all(
        candidates.map((candidate) =>
          this.buyNumber(candidate.phoneNumber, areaCode).finally(() => {
            this.purchasing.delete(candidate.phoneNumber);
            done();
          }),
        ),
      );
      if (candidates.length < count)
        await this.failed(
          new TwilioRequestError('rejected', `only ${candidates.length} of ${count} numbers available`),
          areaCode,
        );
    } catch (error) {
      await this.failed(error, areaCode);
    } finally {
      this.inFlight -= pending;
      if (!this.stopped) this.wake();
    }
  }

  private async buyNumber(phoneNumber: string, areaCode: string | undefined): Promise<void> {
    try {
      const bought = await this.twilio.buy(phoneNumber, this.webhooks);
      await this.record({
        type: 'ProvisioningSucceeded',
        number: bought.phoneNumber,
        sid: bought.sid,
        areaCode: areaCodeOf(bought.phoneNumber),
        purchasedAt: this.clock.now().getTime(),
      });
      this.purchases.inc({ outcome: 'bought' });
      this.backoff.succeeded();
    } catch (error) {
      await this.failed(error, areaCode);
    }
  }

  /**
   * Up to `count` numbers to buy that no purchase of ours is already after. Rounds overlap while
   * purchases run, and Twilio lists a number as available until its purchase completes, so the
   * searches take turns and each claims what it found before the next one looks.
   */
  private claimCandidates(areaCode: string | undefined, count: number): Promise<AvailableNumber[]> {
    const claimed = this.searches.then(async () => {
      const candidates = (await this.search(areaCode, count)).slice(0, count);
      for (const candidate of candidates) this.purchasing.add(candidate.phoneNumber);
      return candidates;
    });
    this.searches = claimed.catch(() => undefined);
    return claimed;
  }

  private async search(areaCode: string | undefined, limit: number) {
    const notOurs = (found: Array<{ phoneNumber: string }>) => found.filter((c) => !this.purchasing.has(c.phoneNumber));
    const wide = limit + this.purchasing.size;
    const local = notOurs(await this.twilio.search({ areaCode, limit: wide }));
    return local.length > 0 || areaCode === undefined ? local : notOurs(await this.twilio.search({ limit: wide }));
  }

  private async failed(error: unknown, areaCode: string | undefined): Promise<void> {
    const kind = error instanceof TwilioRequestError ? error.kind : 'unavailable';
    this.purchases.inc({ outcome: kind });
    if (kind === 'timeout') this.reconcileDue = true;
    const delay = this.backoff.failed();
    this.log.warn(`purchase failed (${kind}): ${(error as Error).message}; retrying in ${delay} ms`);
    await this.record({
      type: 'ProvisioningFailed',
      reason: (error as Error).message.slice(0, 500),
      requested: 1,
      kind,
      retryAt: this.clock.now().getTime() + delay,
      ...(areaCode ? { areaCode } : {}),
    }).catch(() => undefined);
  }

  private async release(number: string, reason: 'surplus' | 'listing_sold'): Promise<void> {
    if (this.releasing.has(number)) return;
    this.releasing.add(number);
    try {
      const sid = this.shard.state.numbers.get(number)?.sid;
      // The number leaves the pool (committed) before Twilio hears of it: nobody can be shown it meanwhile.
      if (sid && (await this.record({ type: 'ReleaseNumber', number, reason }))) {
        this.releases.inc({ reason });
        await this.releasesAtTwilio.release(sid);
      }
    } finally {
      this.releasing.delete(number);
    }
  }

  /**
   * The account against the log, once at start and after a timed-out
   * purchase, over the numbers that point at our call-ingest (never the
   * directory's other numbers; one shard per account): one the log has never
   * seen was bought by a purchase that timed out or whose process died before
   * recording it, and is adopted; one the log says is released and the
   * account still owns lost its DELETE to a crash or an outage, and is released again.
   */
  private async reconcile(): Promise<void> {
    if (!this.twilio.listOwned) return;
    const owned = ownNumbers(await this.twilio.listOwned(), this.webhooks.voiceUrl);
    this.reconcileDue = false;
    this.reconcileBackoff.succeeded();
    for (const number of owned) {
      const known = this.shard.state.numbers.get(number.phoneNumber);
      if (known?.state === 'released') await this.releasesAtTwilio.release(number.sid);
      if (known) continue;
      this.log.log(`adopting ${number.phoneNumber}, bought by a purchase that was never recorded`);
      await this.record({
        type: 'ProvisioningSucceeded',
        number: number.phoneNumber,
        sid: number.sid,
        areaCode: areaCodeOf(number.phoneNumber),
        purchasedAt: this.clock.now().getTime(),
      });
      this.purchases.inc({ outcome: 'adopted' });
    }
  }

  private record(result: RecordProvisioningCommand['result']): Promise<boolean> {
    return this.commands.execute(new RecordProvisioningCommand(result));
  }

  /** POOL_MAX binds: say so, at most once per 10-minute window (the metric and GET /v1/pool say it always). */
  private sayWhenCapBinds(wanted: number, now: number): void {
    const window = Math.floor(now / SIZING_WINDOW_MS);
    if (wanted <= 0 || window === this.capLoggedWindow) return;
    this.capLoggedWindow = window;
    this.log.warn(
      `POOL_MAX (${this.shard.policy.poolMax}) binds: ${wanted} more numbers would let freed numbers rest ` +
        `COOLDOWN_SECONDS before reuse; late calls are more often ambiguous until then`,
    );
  }

  private rememberAreaCode(listingId: string): void {
    const forwardTo = this.shard.state.listings.get(listingId)?.forwardTo;
    const areaCode = forwardTo ? areaCodeOf(forwardTo) : undefined;
    if (areaCode && this.wantedAreaCodes.length < 100) this.wantedAreaCodes.push(areaCode);
  }
}
