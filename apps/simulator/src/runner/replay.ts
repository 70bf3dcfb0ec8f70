import { CallDriver } from '@callpool/call-driver';
import { CallpoolClient, isApiError } from '@callpool/client';
import { DisplayAction, PageViewAction, SaleAction } from '../model';
import { ServiceClocks } from './clocks';
import { eachLimited } from './http';
import { Callers, playCall } from './play-calls';
import { Step } from './steps';
import { DisplayPool, Truth } from './truth';

export interface PoolSample {
  at: number;
  total: number;
  available: number;
  displayed: number;
  locked: number;
  cooling: number;
  target: number;
  provisioning: number;
  /** CONTRACT.md v3: numbers the replenisher wants beyond POOL_MAX (absent from services that predate it). */
  wanted?: number;
}

/**
 * Plays one step: clocks first, then the step's calls (after the view
 * barrier), then every session's clicks (sessions side by side, each
 * session's clicks in order), then the sales; finally it samples the pool
 * and lets purchases under way finish, as they would in the seconds of real
 * time a step stands for.
 */
export class Replayer {
  readonly samples: PoolSample[] = [];

  constructor(
    private readonly api: CallpoolClient,
    private readonly clocks: ServiceClocks,
    private readonly driver: CallDriver,
    private readonly truth: Truth,
    private readonly settings: { concurrency: number; adminToken: string; settleMs: number; callers: Callers },
  ) {}

  async play(step: Step): Promise<void> {
    await this.clocks.advance(step.at, { waitForView: step.calls.length > 0 });
    await eachLimited(step.calls, this.settings.concurrency, (call) =>
      playCall(this.driver, this.truth, call, this.settings.callers),
    );
    await eachLimited(step.visits, this.settings.concurrency, (visit) => this.visit(visit));
    for (const sale of step.sales) await this.sell(sale);
    await this.sampleAndSettle(step.at);
  }

  private async visit(actions: Array<DisplayAction | PageViewAction>): Promise<void> {
    for (const action of actions) {
      if (action.kind === 'display') await this.display(action);
      else await this.pageView(action);
    }
  }

  private async display(action: DisplayAction): Promise<void> {
    const { visitorId, sessionId, listingId, context } = action;
    const answer = await this.api
      .displays({ visitorId, sessionId, listingId, ...(context ? { context } : {}) })
      .catch((error: unknown) => {
        if (isApiError(error, 'listing_sold')) return null;
        throw error;
      });
    if (!answer) {
      this.truth.counts.refused++;
      return;
    }
    const { number, pool, attribution } = answer;
    this.truth.display(visitorId, listingId, {
      number,
      pool: pool as DisplayPool,
      attribution,
      sessionId,
      at: action.at,
    });
    // The contract: never overflow while a number is cooling. Look right after, as an operator would.
    if (pool === 'overflow' && (await this.pool(action.at)).cooling > 0) this.truth.counts.overflowWhileCooling++;
  }

  private async pageView(action: PageViewAction): Promise<void> {
    const { visitorId, sessionId, url, listingId } = action;
    await this.api.pageViews({ visitorId, sessionId, url, action: action.action, ...(listingId ? { listingId } : {}) });
    this.truth.counts.pageViews++;
    this.truth.touch(sessionId, action.at);
  }

  private async sell(sale: SaleAction): Promise<void> {
    await this.api.listings.sold(sale.listingId);
    this.truth.counts.sales++;
  }

  private async sampleAndSettle(at: number): Promise<void> {
    const deadline = Date.now() + this.settings.settleMs;
    let sample = await this.pool(at);
    this.samples.push(sample);
    while (sample.provisioning > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      sample = await this.pool(at);
    }
  }

  private async pool(at: number): Promise<PoolSample> {
    return { at, ...(await this.api.pool()) };
  }
}
