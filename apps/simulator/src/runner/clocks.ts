import { ServiceClient, ServiceError } from './http';

export interface StackClients {
  allocator: ServiceClient;
  callIngest: ServiceClient;
  projector: ServiceClient;
}

/**
 * The manual clocks of the three services, moved together. The allocator
 * goes first (it commits the expiries that fall due); then, when calls
 * follow, a barrier: the allocator writes one more event (re-registering a
 * listing of the simulator's own) stamped with the new time, and we wait
 * until call-ingest's clock has been carried to that time by its view of
 * `callpool.allocations` (its manual clock follows the newest event it
 * folds). Everything the allocator committed before, displays and expiries,
 * is then in the view calls are routed from. Then call-ingest, then the projector.
 */
export class ServiceClocks {
  constructor(
    private readonly clients: StackClients,
    private readonly barrier: { listingId: string; dealerId: string; forwardTo: string; adminToken: string },
  ) {}

  /** Every service's /internal/clock requires the admin token (CONTRACT.md v3, Clock). */
  private admin(): Record<string, string> {
    return { authorization: `Bearer ${this.barrier.adminToken}` };
  }

  /** The latest of the three clocks: a run must start after it. */
  async latest(): Promise<number> {
    let latest = 0;
    for (const client of Object.values(this.clients)) latest = Math.max(latest, await this.read(client));
    return latest;
  }

  async advance(to: number, { waitForView }: { waitForView: boolean }): Promise<void> {
    await this.move(this.clients.allocator, to);
    if (waitForView) await this.viewBarrier(to);
    await this.move(this.clients.callIngest, to);
    await this.move(this.clients.projector, to);
  }

  private async viewBarrier(to: number): Promise<void> {
    const { listingId, dealerId, forwardTo, adminToken } = this.barrier;
    const answer = await this.clients.allocator.put(
      `/v1/listings/${listingId}`,
      { dealerId, forwardTo, tier: 'premium' },
      { authorization: `Bearer ${adminToken}` },
    );
    if (answer.status !== 200)
      throw new ServiceError(`barrier listing: ${answer.status} ${JSON.stringify(answer.body)}`, answer.status);
    const deadline = Date.now() + 15_000;
    while ((await this.read(this.clients.callIngest)) < to) {
      if (Date.now() > deadline)
        throw new ServiceError(
          `call-ingest has not seen the allocator's events up to ${new Date(to).toISOString()} after 15 s`,
        );
      await new Promise((resolve) => setTimeout(resolve, 3));
    }
  }

  private async move(client: ServiceClient, to: number): Promise<void> {
    const answer = await client.post(`/internal/clock`, { now: new Date(to).toISOString() }, this.admin());
    if (answer.status !== 204) {
      throw new ServiceError(
        `${client.baseUrl}/internal/clock → ${answer.status} ${JSON.stringify(answer.body)} (is the service running with CALLPOOL_CLOCK=manual?)`,
        answer.status,
      );
    }
  }

  private async read(client: ServiceClient): Promise<number> {
    const answer = await client.get<{ now: string }>(`/internal/clock`, this.admin());
    if (answer.status !== 200)
      throw new ServiceError(
        `${client.baseUrl}/internal/clock → ${answer.status}: the simulator needs CALLPOOL_CLOCK=manual`,
        answer.status,
      );
    return Date.parse(answer.body.now);
  }
}
