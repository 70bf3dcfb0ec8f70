import { CallpoolClient } from '@callpool/client';
import { exitOnStartupError } from '@callpool/service-kit';
import { LISTINGS } from './catalog';
import { DemoCalls } from './calls';
import { DemoConfig, loadDemoConfig } from './config';
import { demoServer } from './server';

/** Registers the demo's listings with the allocator (retrying while it rebuilds), as the directory's back office would. */
async function registerListings(config: DemoConfig): Promise<void> {
  const allocator = new CallpoolClient({
    baseUrl: `http://127.0.0.1:${config.ALLOCATOR_PORT}`,
    adminToken: config.CALLPOOL_ADMIN_TOKEN,
    timeoutMs: 5000,
    attempts: 30,
  });
  for (const { listingId, dealer, title } of LISTINGS)
    await allocator.listings.put(listingId, {
      dealerId: dealer.dealerId,
      forwardTo: dealer.forwardTo,
      tier: dealer.tier,
      title,
      dealerName: dealer.name,
    });
}

async function main(): Promise<void> {
  const config = loadDemoConfig(process.env);
  let registered = false;
  const calls = new DemoCalls(config);
  const server = demoServer({
    settings: { allocatorUrl: config.allocatorUrl, snippetTimeoutMs: config.DEMO_SNIPPET_TIMEOUT_MS },
    calls,
    ready: () => registered,
  });
  server.listen(config.DEMO_PORT, '0.0.0.0');
  await registerListings(config);
  registered = true;
  console.log(`demo site on http://127.0.0.1:${config.DEMO_PORT} (snippet from ${config.allocatorUrl})`);
  const stop = () => server.close(() => void calls.close().then(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch(exitOnStartupError('demo-site'));
