import { CallDriver } from '@callpool/call-driver';
import { CallpoolClient } from '@callpool/client';
import { generateTraffic, ModelOptions, modelOptions, Traffic } from './model';
import { attributionTable } from './report/attribution';
import { KafkaSource, readRests, summariseCooldown } from './report/cooldown';
import { resolvedByCounts } from './report/menu';
import { connect, readCalls, readPool, waitForProjection } from './report/projection';
import { buildReport, SimulationReport } from './report/report';
import { ServiceClocks, StackClients } from './runner/clocks';
import { DEFAULT_MENU_RATES, MenuRates } from './runner/caller-menu';
import { ServiceClient } from './runner/http';
import { registerListings } from './runner/listings';
import { Replayer } from './runner/replay';
import { steps } from './runner/steps';
import { Truth } from './runner/truth';

export interface SimulationConfig {
  urls: { allocator: string; callIngest: string; projector: string };
  databaseUrl: string;
  /** The schema the projector writes (PROJECTOR_SCHEMA). */
  schema: string;
  adminToken: string;
  twilioAuthToken: string;
  /** call-ingest's PUBLIC_BASE_URL: webhooks are signed for it. */
  publicBaseUrl: string;
  /** Model knobs; `startMs` defaults to the first UTC midnight after every service clock. */
  model: Partial<ModelOptions> & { seed: string };
  stepSeconds: number;
  concurrency: number;
  /** How long, in real time, a step may wait for purchases under way. */
  settleMs: number;
  /** The sizing rule's listings per session (DESIGN.md: 5). */
  ruleListingsPerSession: number;
  /** Without `model.startMs`: the run starts this many hours after the first UTC midnight after the clocks (default 0). */
  startHour?: number;
  /** How callers answer the caller menu (default 85 % their digit, 10 % nothing). */
  menu?: MenuRates;
  /** The stack's Kafka and topic prefix, to read `cooledSeconds` from the run's events (left out: not reported). */
  kafka?: KafkaSource;
  onProgress?: (progress: Progress) => void;
}

export interface Progress {
  phase: 'registering' | 'playing' | 'projecting';
  simulatedAt: number;
  fraction: number;
  displays: number;
  calls: number;
  poolOwned: number;
  detail?: string;
}

const DAY = 86_400_000;

/** Plays a seeded day (or more) against a running manual-clock stack and reports against the truth it kept. */
export async function runSimulation(config: SimulationConfig): Promise<SimulationReport> {
  const clients: StackClients = {
    allocator: new ServiceClient(config.urls.allocator),
    callIngest: new ServiceClient(config.urls.callIngest),
    projector: new ServiceClient(config.urls.projector),
  };
  // The allocator's API through libs/client, patient like a load test: 503s and hiccups are retried.
  const api = new CallpoolClient({
    baseUrl: config.urls.allocator,
    adminToken: config.adminToken,
    timeoutMs: 30_000,
    attempts: 8,
  });
  const runId = config.model.runId ?? `s${config.model.seed}`;
  const barrier = {
    listingId: `${runId}-barrier`,
    dealerId: `${runId}-directory`,
    forwardTo: '+15550100999',
    adminToken: config.adminToken,
  };
  const clocks = new ServiceClocks(clients, barrier);
  const latest = await clocks.latest();
  const startMs = config.model.startMs ?? Math.ceil((latest + 1) / DAY) * DAY + (config.startHour ?? 0) * 3_600_000;
  if (startMs < latest)
    throw new Error(
      `--start ${new Date(startMs).toISOString()} is before the services' clocks (${new Date(latest).toISOString()})`,
    );
  const options = modelOptions({ ...config.model, runId, startMs });
  const traffic = generateTraffic(options);
  const listings = new Map(traffic.listings.map((l) => [l.listingId, l]));
  const truth = new Truth(listings, options.sessionIdleSeconds * 1000, startMs);
  const progress = (p: Omit<Progress, 'displays' | 'calls'>) =>
    config.onProgress?.({ ...p, displays: truth.counts.displays, calls: truth.calls.length });

  await clocks.advance(startMs, { waitForView: false });
  progress({ phase: 'registering', simulatedAt: startMs, fraction: 0, poolOwned: 0 });
  await registerListings(api, traffic.listings, config.concurrency);

  const driver = new CallDriver({
    baseUrl: config.urls.callIngest,
    publicBaseUrl: config.publicBaseUrl,
    authToken: config.twilioAuthToken,
  });
  const replayer = new Replayer(api, clocks, driver, truth, {
    concurrency: config.concurrency,
    adminToken: config.adminToken,
    settleMs: config.settleMs,
    callers: { menu: config.menu ?? DEFAULT_MENU_RATES, seed: config.model.seed },
  });
  let lastProgress = 0;
  for (const step of steps(traffic.actions, startMs, traffic.endMs, config.stepSeconds * 1000, 10 * 60_000)) {
    await replayer.play(step);
    if (Date.now() - lastProgress > 1000) {
      lastProgress = Date.now();
      const owned = replayer.samples.at(-1)?.total ?? 0;
      progress({
        phase: 'playing',
        simulatedAt: step.at,
        fraction: (step.at - startMs) / (traffic.endMs - startMs),
        poolOwned: owned,
      });
    }
  }
  await clocks.advance(traffic.endMs, { waitForView: false });
  return report(config, { runId, traffic, truth, replayer, progress });
}

async function report(
  config: SimulationConfig,
  run: {
    runId: string;
    traffic: Traffic;
    truth: Truth;
    replayer: Replayer;
    progress: (p: Omit<Progress, 'displays' | 'calls'>) => void;
  },
): Promise<SimulationReport> {
  const { traffic, truth } = run;
  const db = await connect(config.databaseUrl, config.schema);
  try {
    await waitForProjection(
      db,
      {
        runId: run.runId,
        callSids: truth.calls.map((c) => c.callSid),
        displays: truth.counts.displays,
        pageViews: truth.counts.pageViews,
      },
      {
        onWait: (detail) =>
          run.progress({
            phase: 'projecting',
            simulatedAt: traffic.endMs,
            fraction: 1,
            poolOwned: run.replayer.samples.at(-1)?.total ?? 0,
            detail,
          }),
      },
    );
    const calls = await readCalls(db);
    const projected = new Map(calls.map((c) => [c.call_sid, c]));
    const placed = new Set(truth.calls.map((c) => c.callSid));
    const dealerPhones = new Map(traffic.dealers.map((d) => [d.dealerId, d.forwardTo]));
    const phones = new Set(dealerPhones.values());
    const attribution = attributionTable(truth.calls, projected, {
      dealerPhone: (id) => dealerPhones.get(id),
      isDealerPhone: (phone) => phones.has(phone),
    });
    const cooled = config.kafka
      ? await readRests(config.kafka, run.runId).catch((error: Error) => {
          process.stderr.write(`simulator: cool-down achieved not reported: ${error.message}\n`);
          return null;
        })
      : null;
    return buildReport({
      seed: config.model.seed,
      runId: run.runId,
      traffic,
      truth,
      samples: run.replayer.samples,
      attribution,
      projectedCalls: [...placed].filter((sid) => projected.has(sid)).length,
      duplicateCalls: calls.length - projected.size,
      projectedPool: await readPool(db),
      ruleListingsPerSession: config.ruleListingsPerSession,
      resolvedBy: resolvedByCounts([...placed], projected),
      cooldown: cooled ? summariseCooldown(cooled) : null,
    });
  } finally {
    await db.end();
  }
}
