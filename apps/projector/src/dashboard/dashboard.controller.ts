import { createReadStream } from 'node:fs';
import { Controller, Get, Header, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { stringify } from 'csv-stringify/sync';
import { AnalystPasswordGuard } from './dashboard.auth';
import { DashboardService } from './dashboard.service';
import { DASHBOARD_CLIENT } from './page/client';
import { DASHBOARD_PAGE } from './page/page';

/** GET /dashboard: the page, its script and ECharts (from node_modules, no CDN), its data and the CSV exports. */
@Controller('dashboard')
@UseGuards(AnalystPasswordGuard)
export class DashboardController {
  private static readonly echarts = require.resolve('echarts/dist/echarts.min.js');

  constructor(private readonly dashboard: DashboardService) {}

  @Get()
  @Header('Content-Type', 'text/html; charset=utf-8')
  page(): string {
    return DASHBOARD_PAGE;
  }

  @Get('app.js')
  @Header('Content-Type', 'text/javascript; charset=utf-8')
  client(): string {
    return DASHBOARD_CLIENT;
  }

  @Get('echarts.min.js')
  echarts(@Res() reply: FastifyReply): void {
    void reply
      .type('text/javascript; charset=utf-8')
      .header('Cache-Control', 'max-age=86400')
      .send(createReadStream(DashboardController.echarts));
  }

  @Get('api/summary')
  summary(@Query() query: unknown) {
    return this.dashboard.summary(query);
  }

  @Get('api/recent-calls')
  recentCalls() {
    return this.dashboard.db().recentCalls();
  }

  @Get('export/calls.csv')
  async exportCalls(@Query() query: unknown, @Res() reply: FastifyReply): Promise<void> {
    const period = (await this.dashboard.period(query))!;
    const { columns, rows } = await this.dashboard.db().callsForExport(period);
    this.sendCsv(reply, 'calls', period, columns, rows);
  }

  @Get('export/listing-performance.csv')
  async exportListingPerformance(@Query() query: unknown, @Res() reply: FastifyReply): Promise<void> {
    const period = await this.dashboard.period(query, { wholeHistory: true });
    const { columns, rows } = await this.dashboard.db().listingPerformanceForExport(period);
    this.sendCsv(reply, 'listing-performance', period, columns, rows);
  }

  private sendCsv(
    reply: FastifyReply,
    name: string,
    period: { from: Date; to: Date } | null,
    columns: string[],
    rows: Record<string, unknown>[],
  ): void {
    const span = period ? `${period.from.toISOString()}_${period.to.toISOString()}`.replace(/[:.]/g, '-') : 'all-time';
    const csv = stringify(rows, {
      header: true,
      columns,
      cast: { date: (value) => value.toISOString(), boolean: (value) => String(value) },
    });
    void reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="callpool-${name}-${span}.csv"`)
      .send(csv);
  }
}
