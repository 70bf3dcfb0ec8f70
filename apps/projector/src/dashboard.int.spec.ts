import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'csv-parse/sync';
import { Browser, chromium, Page } from 'playwright-core';
import { DEV_DEALER_WEBHOOK_KEY } from '@callpool/config';
import { CallpoolEvent, newEvent } from '@callpool/contracts';
import { sealSecret } from '@callpool/service-kit';
import { createTestDatabase, dropDatabase, uniqueTopicPrefix } from '@callpool/testing';
import { generatedHistory } from '../test-support/generated-history';
import { caughtUp, projectorConfig, TestPublisher } from '../test-support/harness';
import { RunningProjector, startProjector } from './projector';

const PASSWORD = 'dashboard-analyst-pw';
const START = Date.parse('2030-02-01T08:00:00Z');
// The screenshots docs/analytics.md shows (CALLPOOL_SCREENSHOTS puts them elsewhere).
const SHOTS = resolve(process.env.CALLPOOL_SCREENSHOTS ?? resolve(__dirname, '../../../docs/images'));
// CONTRACT.md (Postgres): the calls and listing_performance columns, spelled out here so a renamed column fails.
const CALL_COLUMNS = [
  ...['call_sid', 'tracking_number', 'caller', 'started_at', 'status', 'duration_s', 'answered', 'listing_id'],
  ...['dealer_id', 'visitor_id', 'session_id', 'attribution', 'confidence', 'source', 'search_term', 'referrer'],
  'landing_page',
];
const LISTING_PERFORMANCE_COLUMNS = [
  ...['listing_id', 'dealer_id', 'displays', 'unique_visitors', 'calls', 'unique_callers', 'answered_calls'],
  ...['avg_duration_s', 'visitors_without_call'],
];

/** A real headless Chromium (Debian's, driven by playwright-core) on the projector's dashboard after a generated day part. */
describe('dashboard', () => {
  const prefix = uniqueTopicPrefix('projector_dashboard');
  const publisher = new TestPublisher(prefix);
  let databaseUrl = '';
  let projector: RunningProjector;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    databaseUrl = await createTestDatabase('projector_dashboard');
    await publisher.connect();
    await publisher.history(generatedHistory(240, 'd', START));
    await publisher.events('calls', variedCalls(36));
    // A dealer whose server refuses connections: its deliveries show as failing.
    const sealedSecret = sealSecret('dealer-one-secret-0123', DEV_DEALER_WEBHOOK_KEY);
    await publisher.events('allocations', [
      newEvent(
        'DealerWebhookConfigured',
        { dealerId: 'D-1', webhookUrl: `http://127.0.0.1:${await closedPort()}/calls`, sealedSecret },
        { occurredAt: new Date(START), metadata: { producer: 'test' }, id: 'd-cfg' },
      ),
    ]);
    projector = await startProjector({
      config: projectorConfig(prefix, databaseUrl, {
        ANALYST_PASSWORD: PASSWORD,
        WEBHOOK_POLL_MS: '200',
        WEBHOOK_RETRY_BASE_MS: '60000',
      }),
    });
    await caughtUp(projector, 40000);
    browser = await chromium.launch({
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--no-sandbox'],
    });
    const context = await browser.newContext({
      httpCredentials: { username: 'analyst', password: PASSWORD },
      viewport: { width: 1400, height: 1800 },
      acceptDownloads: true,
    });
    page = await context.newPage();
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await page.goto(`${projector.url}/dashboard`);
  }, 90000);

  afterAll(async () => {
    await browser?.close();
    await projector?.close();
    await publisher.disconnect();
    if (databaseUrl) await dropDatabase(databaseUrl);
  });

  it('refuses anyone without the analyst password', async () => {
    expect((await fetch(`${projector.url}/dashboard`)).status).toBe(401);
    const wrong = { authorization: `Basic ${Buffer.from('analyst:nope').toString('base64')}` };
    expect((await fetch(`${projector.url}/dashboard/api/summary`, { headers: wrong })).status).toBe(401);
  });

  it('draws the pool, overflow and calls with data and no console errors', async () => {
    for (const id of ['chart-pool', 'chart-overflow', 'chart-attribution', 'chart-confidence']) {
      const points = await page.waitForFunction(`Number(document.getElementById('${id}')?.dataset.points ?? 0)`);
      expect(await points.jsonValue()).toBeGreaterThan(0);
    }
    expect(Number(await page.getAttribute('#top-listings', 'data-rows'))).toBeGreaterThan(0);
    expect(Number(await page.getAttribute('#top-dealers', 'data-rows'))).toBeGreaterThan(0);
    // The dealer's first failed attempt happens once the projector runs; the panel shows it on the next load.
    await page.click('#period button');
    await page.waitForFunction(`Number(document.getElementById('deliveries-failing')?.textContent) > 0`);
    mkdirSync(SHOTS, { recursive: true });
    await page.screenshot({ path: resolve(SHOTS, 'dashboard.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows a call placed now in the recent calls within a few seconds', async () => {
    const placed = Date.now();
    await publisher.events('calls', call('d-live', 'CALIVE1', START + 3 * 3600_000, 'visitor', 0.95));
    await page.waitForSelector('#recent-calls td:text("CALIVE1")', { timeout: 8000 });
    expect(Date.now() - placed).toBeLessThan(8000);
    await page.screenshot({ path: resolve(SHOTS, 'dashboard-recent-calls.png') });
  });

  it('downloads the CSV exports with the contract columns', async () => {
    await page.click('#period button');
    const calls = await download(page, '#export-calls');
    expect(Object.keys(calls[0]).slice(0, CALL_COLUMNS.length)).toEqual(CALL_COLUMNS);
    expect(calls.length).toBeGreaterThan(30);
    const listings = await download(page, '#export-listings');
    expect(Object.keys(listings[0]).slice(0, LISTING_PERFORMANCE_COLUMNS.length)).toEqual(LISTING_PERFORMANCE_COLUMNS);
    expect(listings.some((row) => Number(row.calls) > 0)).toBe(true);
  });

  it('logged no console error through every step above', () => {
    expect(problems).toEqual([]);
  });
});

async function download(page: Page, selector: string): Promise<Record<string, string>[]> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return parse(readFileSync(await file.path(), 'utf8'), { columns: true });
}

/** Calls across the morning with every attribution and a spread of confidence, as call-ingest records them. */
function variedCalls(count: number): CallpoolEvent[] {
  const attributions = ['visitor', 'visitor', 'listing', 'none'] as const;
  return Array.from({ length: count }, (_, i) =>
    call(`d-v${i}`, `CAV${i}`, START + i * 170_000, attributions[i % 4], [1, 0.9, 0.7, 0.4, 0.2][i % 5], i % 9),
  ).flat();
}

function call(
  id: string,
  callSid: string,
  at: number,
  attribution: 'visitor' | 'listing' | 'none',
  confidence: number,
  listing = 1,
) {
  const data = {
    callSid,
    trackingNumber: '+15551000001',
    caller: `+1415666${String(at % 10000).padStart(4, '0')}`,
    startedAt: new Date(at).toISOString(),
    attribution,
    confidence,
    holderState: 'cooling' as const,
    visitorId: attribution === 'visitor' ? 'v-3' : null,
    sessionId: null,
    listingId: attribution === 'none' ? null : `L-${listing}`,
    dealerId: attribution === 'none' ? null : `D-${listing % 4}`,
    routedTo: '+15559990001',
  };
  const meta = { metadata: { producer: 'test' } };
  return [
    newEvent('CallReceived', data, { ...meta, id, occurredAt: new Date(at) }),
    newEvent(
      'CallCompleted',
      { callSid, status: 'completed', durationS: 30 + (at % 90) },
      { ...meta, id: `${id}-c`, occurredAt: new Date(at + 60_000) },
    ),
  ] as CallpoolEvent[];
}

/** A local port nothing listens on (taken and released): connections to it are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
