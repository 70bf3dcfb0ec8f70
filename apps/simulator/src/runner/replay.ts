import { CallDriver } from '@callpool/call-driver';
import { DisplayAction, PageViewAction, SaleAction } from '../model';
import { ServiceClocks, StackClients } from './clocks';
import { eachLimited, ServiceError } from './http';
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

interface DisplayAnswer {
  number: string;
  pool: DisplayPool;
  attribution: string;
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
    private readonly clients: StackClients,
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
    const answer = await this.clients.allocator.post<DisplayAnswer>('/v1/displays', {
      visitorId,
      sessionId,
      listingId,
      ...(context ? { context } : {}),
    });
    if (answer.status === 410) {
      this.truth.counts.refused++;
      return;
    }
    if (answer.status !== 200)
      throw new ServiceError(
        `display ${listingId} for ${visitorId}: ${answer.status} ${JSON.stringify(answer.body)}`,
        answer.status,
      );
    const { number, pool, attribution } = answer.body;
    this.truth.display(visitorId, listingId, { number, pool, attribution, sessionId, at: action.at });
    // The contract: never overflow while a number is cooling. Look right after, as an operator would.
    if (pool === 'overflow' && (await this.pool(action.at)).cooling > 0) this.truth.counts.overflowWhileCooling++;
  }

  private async pageView(action: PageViewAction): Promise<void> {
    const { visitorId, sessionId, url, listingId } = action;
    const answer = await this.clients.allocator.post('/v1/page-views', {
      visitorId,
      sessionId,
      url,
      action: action.action,
      ...(listingId ? { listingId } : {}),
    });
    if (answer.status !== 202)
      throw new ServiceError(
        `page view ${url} for ${visitorId}: ${answer.status} ${JSON.stringify(answer.body)}`,
        answer.status,
      );
    this.truth.counts.pageViews++;
    this.truth.touch(sessionId, action.at);
  }

  private async sell(sale: SaleAction): Promise<void> {
    const answer = await this.clients.allocator.post(`/v1/listings/${sale.listingId}/sold`, undefined, {
      authorization: `Bearer ${this.settings.adminToken}`,
    });
    if (answer.status !== 200)
      throw new ServiceError(
        `sale of ${sale.listingId}: ${answer.status} ${JSON.stringify(answer.body)}`,
        answer.status,
      );
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
    const answer = await this.clients.allocator.get<Omit<PoolSample, 'at'>>('/v1/pool');
    if (answer.status !== 200) throw new ServiceError(`GET /v1/pool: ${answer.status}`, answer.status);
    return { at, ...answer.body };
  }
}
