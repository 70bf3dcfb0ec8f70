/**
 * Runs one service of a benchmark in its own process, through the service's
 * exported start function and its own config loader (the environment, as in
 * main.ts). The parent stops it with an IPC 'stop' message rather than a
 * signal (the service closes, then the process exits normally), and can ask
 * for a V8 CPU profile of just the measured phase ('profile-start', then
 * {profileStop: file}): the same .cpuprofile `node --cpu-prof` writes, without
 * start-up and set-up in it.
 *
 *   node dist/apps/bench/src/measure/host.js allocator|baseline-allocator|bare-display|call-ingest|bare-twiml|projector
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Session } from 'node:inspector';

interface Hosted {
  url: string;
  close(): Promise<void>;
}

/**
 * The services are loaded from their built output (dist/apps/<app>/src), as
 * `node dist/apps/<app>/src/main.js` would: a runtime dependency on the build,
 * not a source import across projects.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const built = (app: string, file: string): any => require(join(__dirname, '..', '..', '..', app, 'src', file));

const starters: Record<string, () => Promise<Hosted>> = {
  allocator: async () => {
    const { loadAllocatorConfig } = built('allocator', 'config');
    const { startAllocator } = built('allocator', 'allocator');
    const running = await startAllocator(loadAllocatorConfig(process.env), { host: '127.0.0.1' });
    await running.ready();
    return running;
  },
  'baseline-allocator': async () => {
    const { loadBaselineConfig, startBaselineAllocator } = await import('../baseline-allocator/baseline-allocator');
    return startBaselineAllocator(loadBaselineConfig(process.env));
  },
  'call-ingest': async () => {
    const { loadCallIngestConfig } = built('call-ingest', 'config');
    const { startCallIngest } = built('call-ingest', 'call-ingest');
    const running = await startCallIngest(loadCallIngestConfig(process.env), { host: '127.0.0.1' });
    await running.whenViewLive(60_000);
    return running;
  },
  'bare-display': async () => {
    const { startBareDisplay } = await import('../bare-display/bare-display');
    return startBareDisplay(Number(process.env.BARE_PORT ?? 0));
  },
  'bare-twiml': async () => {
    const { startBareTwiml } = await import('../bare-twiml/bare-twiml');
    const signature =
      process.env.BARE_SIGNATURE === '1'
        ? { authToken: process.env.TWILIO_AUTH_TOKEN ?? '', publicBaseUrl: process.env.PUBLIC_BASE_URL ?? '' }
        : null;
    return startBareTwiml({ port: Number(process.env.BARE_PORT ?? 0), signature });
  },
  projector: async () => {
    const { loadProjectorConfig } = built('projector', 'config');
    const { startProjector } = built('projector', 'projector');
    return startProjector({ config: loadProjectorConfig(process.env) });
  },
};

class Profiler {
  private readonly session = new Session();

  async start(): Promise<void> {
    this.session.connect();
    await this.post('Profiler.enable');
    await this.post('Profiler.setSamplingInterval', { interval: 500 });
    await this.post('Profiler.start');
  }

  async stop(file: string): Promise<void> {
    const { profile } = (await this.post('Profiler.stop')) as { profile: unknown };
    writeFileSync(file, JSON.stringify(profile));
    this.session.disconnect();
  }

  private post(method: string, params: object = {}): Promise<unknown> {
    return new Promise((resolve, reject) =>
      this.session.post(method, params, (error, result) => (error ? reject(error) : resolve(result))),
    );
  }
}

/**
 * BENCH_SQL_TIMING=<file>: time every pg query of the service by statement
 * (first words), written to <file> at stop, to show where a Postgres-bound
 * service spends its time without touching its code.
 */
function traceSql(file: string | undefined): () => void {
  if (!file) return () => undefined;
  const pg = require('pg') as typeof import('pg');
  const totals = new Map<string, { calls: number; ms: number }>();
  const original = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    const config = args[0] as string | { text?: string };
    const text = typeof config === 'string' ? config : config?.text;
    if (!text || !(result instanceof Promise)) return result;
    const key = text.replace(/\s+/g, ' ').trim().slice(0, 90);
    const t0 = performance.now();
    const record = () => {
      const total = totals.get(key) ?? { calls: 0, ms: 0 };
      total.calls++;
      total.ms += performance.now() - t0;
      totals.set(key, total);
    };
    result.then(record, record);
    return result;
  } as never;
  return () =>
    writeFileSync(
      file,
      JSON.stringify(
        [...totals].map(([statement, t]) => ({ statement, ...t })).sort((a, b) => b.ms - a.ms),
        null,
        1,
      ),
    );
}

async function main(): Promise<void> {
  const writeSqlTiming = traceSql(process.env.BENCH_SQL_TIMING);
  const which = process.argv[2];
  const start = starters[which];
  if (!start) throw new Error(`unknown service ${which}; one of ${Object.keys(starters).join(', ')}`);
  const running = await start();
  const profiler = new Profiler();
  process.on('message', (message: unknown) => {
    if (message === 'profile-start') void profiler.start().then(() => process.send?.({ profiling: true }));
    if (typeof message === 'object' && message && 'profileStop' in message)
      void profiler
        .stop(String((message as { profileStop: string }).profileStop))
        .then(() => process.send?.({ profiled: true }));
    if (message !== 'stop') return;
    running
      .close()
      .catch(() => undefined)
      .finally(() => {
        writeSqlTiming();
        process.exit(0);
      });
  });
  process.send?.({ ready: running.url });
}

main().catch((error: Error) => {
  process.stderr.write(`bench host: ${error.stack ?? error.message}\n`);
  process.exit(1);
});
