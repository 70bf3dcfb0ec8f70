import { Controller, Get, Injectable, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

export interface DependencyStatus {
  /** The service cannot do its job without this one. */
  up: boolean;
  /** Up, but in a reduced mode (call-ingest routing from its view while Kafka is down). */
  degraded?: boolean;
  detail?: string;
  /** Where the dependency has read up to, for those that follow a log (ISO time of the newest event). */
  newestEventAt?: string | null;
}

export type DependencyCheck = () => Promise<DependencyStatus> | DependencyStatus;

/** Each module registers what it depends on; /health reports all of them. */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, DependencyCheck>();

  register(name: string, check: DependencyCheck): void {
    this.checks.set(name, check);
  }

  async report() {
    const dependencies: Record<string, DependencyStatus> = {};
    for (const [name, check] of this.checks) {
      try {
        dependencies[name] = await check();
      } catch (error) {
        dependencies[name] = { up: false, detail: (error as Error).message };
      }
    }
    const all = Object.values(dependencies);
    const missing = Object.keys(dependencies).filter((name) => !dependencies[name].up);
    const degraded = all.some((d) => d.degraded);
    return {
      status: missing.length === 0 ? (degraded ? 'degraded' : 'ok') : 'unavailable',
      degraded,
      missing,
      dependencies,
    };
  }
}

@Controller()
export class HealthController {
  constructor(private readonly registry: HealthRegistry) {}

  @Get('health')
  async health(@Res() reply: FastifyReply): Promise<void> {
    const report = await this.registry.report();
    await reply.status(report.missing.length === 0 ? 200 : 503).send(report);
  }
}
