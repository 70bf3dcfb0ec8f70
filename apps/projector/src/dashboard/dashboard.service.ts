import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { urlAs } from '../database/connection';
import { ANALYST_ROLE } from '../migrations/1767000000003-analyst-role';
import { PROJECTOR_OPTIONS, ProjectorOptions } from '../projector.options';
import { DashboardQueries } from './dashboard.queries';
import { parsePeriodQuery, resolvePeriod } from './period';

/** The dashboard's data, through a small pool logged in as callpool_analyst (read-only, contract relations only). */
@Injectable()
export class DashboardService implements OnApplicationShutdown {
  private pool?: Pool;
  private queries?: DashboardQueries;

  constructor(@Inject(PROJECTOR_OPTIONS) private readonly options: ProjectorOptions) {}

  get settings() {
    return { poolMax: this.options.config.POOL_MAX, listingsPerSession: this.options.config.LISTINGS_PER_SESSION };
  }

  db(): DashboardQueries {
    if (!this.queries) {
      const { DATABASE_URL, ANALYST_PASSWORD, PROJECTOR_SCHEMA } = this.options.config;
      this.pool = new Pool({
        connectionString: urlAs(DATABASE_URL, ANALYST_ROLE, ANALYST_PASSWORD),
        max: 3,
        options: `-c search_path=${PROJECTOR_SCHEMA} -c TimeZone=UTC -c statement_timeout=10000`,
        application_name: 'callpool-dashboard',
      });
      this.pool.on('error', () => undefined);
      this.queries = new DashboardQueries(this.pool);
    }
    return this.queries;
  }

  async period(query: unknown, { wholeHistory = false } = {}) {
    const asked = parsePeriodQuery(query);
    if (wholeHistory && !asked.from && !asked.to) return null;
    return resolvePeriod(asked, await this.db().newestDataAt());
  }

  async summary(query: unknown) {
    const db = this.db();
    const period = (await this.period(query))!;
    const settlement = await db.settlementColumns();
    const band = `CASE WHEN confidence >= 0.8 THEN 'high (≥ 0.8)' WHEN confidence >= 0.5 THEN 'medium' ELSE 'low (< 0.5)' END`;
    return {
      period,
      ...this.settings,
      pool: await db.poolOverTime(period),
      callsByAttribution: await db.callsPerHour(period, 'attribution'),
      callsByConfidence: await db.callsPerHour(period, band),
      callsByResolution: settlement.includes('resolved_by')
        ? await db.callsPerHour(period, `COALESCE(resolved_by, 'unknown')`)
        : null,
      topListings: await db.topListings(period),
      topDealers: await db.topDealers(period),
      deliveries: await db.deliveries(),
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.end().catch(() => undefined);
  }
}
