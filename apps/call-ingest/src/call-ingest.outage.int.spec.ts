import { CallDriver } from '@callpool/call-driver';
import { TEST_KAFKA_BROKERS, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { RunningCallIngest, startCallIngest } from './call-ingest';
import {
  allocation,
  AUTH_TOKEN,
  commitAllocations,
  PUBLIC_BASE_URL,
  removeDir,
  tempDir,
  testConfig,
  watchCalls,
} from './testing/call-ingest-harness';
import { SpoolPublisher } from './spool/spool-publisher';
import { cuttableKafka, KafkaLink } from './testing/kafka-link';

const CALLER = '+14155550123';
const NUMBER = '+15550002001';
const DEALER = '+15557652001';

async function health(service: RunningCallIngest) {
  const response = await fetch(`${service.url}/health`);
  return { status: response.status, body: (await response.json()) as { degraded: boolean; status: string } };
}

/**
 * Kafka unreachable for call-ingest while the broker itself keeps running
 * (the shared broker is never stopped): the service's own client has its
 * network cut at the socket level, then restored.
 */
describe('call-ingest while Kafka is unreachable (real Kafka)', () => {
  const prefix = uniqueTopicPrefix('call_ingest_outage');
  let dir: string;
  let calls: Awaited<ReturnType<typeof watchCalls>>;
  const running: RunningCallIngest[] = [];
  const placed: string[] = [];

  beforeAll(async () => {
    dir = await tempDir('outage');
    await commitAllocations(prefix, [
      allocation('ListingRegistered', { listingId: 'L-9', dealerId: 'D-9', forwardTo: DEALER, tier: 'premium' }),
      allocation('NumberProvisioned', { number: NUMBER, sid: 'PN9' }),
      allocation('NumberDisplayed', {
        number: NUMBER,
        pool: 'session',
        attribution: 'visitor',
        visitorId: 'v-9',
        sessionId: 's-9',
        listingId: 'L-9',
        dealerId: 'D-9',
        expiresAt: new Date(Date.now() + 600_000).toISOString(),
        assignmentStarted: true,
      }),
    ]);
    calls = await watchCalls(prefix);
  });

  afterAll(async () => {
    for (const service of running) await service.close();
    await calls?.stop();
    await removeDir(dir);
  });

  async function start(
    link: KafkaLink,
    overrides: Record<string, string> = {},
  ): Promise<{ service: RunningCallIngest; driver: CallDriver }> {
    const service = await startCallIngest(testConfig(prefix, dir, { VIEW_SNAPSHOT_SECONDS: '1', ...overrides }), {
      port: 0,
      host: '127.0.0.1',
      kafka: link.kafka,
    });
    running.push(service);
    return {
      service,
      driver: new CallDriver({ baseUrl: service.url, publicBaseUrl: PUBLIC_BASE_URL, authToken: AUTH_TOKEN }),
    };
  }

  async function takeCalls(driver: CallDriver, count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      const started = Date.now();
      const call = await driver.fullCall({ from: CALLER, to: NUMBER, durationS: 20 + i });
      expect(call.dial?.number).toBe(DEALER);
      expect(Date.now() - started).toBeLessThan(1000);
      placed.push(call.callSid);
    }
  }

  it('answers calls during the outage and publishes each event exactly once afterwards', async () => {
    const link = cuttableKafka(TEST_KAFKA_BROKERS, 'call-ingest-outage-1');
    const { service, driver } = await start(link);
    await service.whenViewLive();
    await takeCalls(driver, 2);
    await waitFor(() => service.pendingEvents() === 0, { what: 'the spool to drain' });

    link.cut();
    await takeCalls(driver, 5);
    await waitFor(async () => (await health(service)).body.degraded, { what: '/health to report degraded' });
    expect(await health(service)).toMatchObject({ status: 200, body: { status: 'degraded', degraded: true } });
    expect(service.pendingEvents()).toBe(15);

    link.restore();
    await waitFor(() => service.pendingEvents() === 0, {
      timeoutMs: 30000,
      what: 'the spool to drain after the outage',
    });
    await waitFor(() => calls.of('CallCompleted').length === placed.length, {
      what: 'every CallCompleted on the topic',
    });
    expectEachEventOnce();
    const received = calls.of('CallReceived');
    expect(received.map((e) => e.data.callSid)).toEqual(placed);
    expect(received.every((e) => e.data.visitorId === 'v-9' && e.data.attribution === 'visitor')).toBe(true);
    await service.close();
  }, 60000);

  it('restarts from its snapshot while Kafka is unreachable, routes calls, and publishes them after another restart', async () => {
    const link = cuttableKafka(TEST_KAFKA_BROKERS, 'call-ingest-outage-2');
    link.cut();
    const { service, driver } = await start(link);
    expect(await health(service)).toMatchObject({ status: 200, body: { degraded: true } });
    await takeCalls(driver, 3);
    expect(service.pendingEvents()).toBe(9);
    await service.close();

    const received = calls.of('CallReceived').length;
    const again = await start(cuttableKafka(TEST_KAFKA_BROKERS, 'call-ingest-outage-3'));
    await again.service.whenViewLive(40000);
    await waitFor(() => again.service.pendingEvents() === 0 && calls.of('CallCompleted').length === placed.length, {
      timeoutMs: 30000,
      what: 'the spooled calls on the topic',
    });
    expectEachEventOnce();
    const spooled = calls.of('CallReceived').slice(received);
    expect(spooled.map((e) => e.data.callSid)).toEqual(placed.slice(-3));
    expect(spooled.every((e) => e.data.routedTo === DEALER && e.data.visitorId === 'v-9')).toBe(true);
  }, 60000);

  it('reports a spool past its bound (degraded, then 503), recreates its producer, and still loses nothing', async () => {
    const link = cuttableKafka(TEST_KAFKA_BROKERS, 'call-ingest-outage-4');
    const { service, driver } = await start(link, { SPOOL_DEGRADED_PENDING: '2', SPOOL_MAX_PENDING: '5' });
    await service.whenViewLive(40000);
    await waitFor(() => service.pendingEvents() === 0, { what: 'the spool to drain' });
    link.cut();
    await takeCalls(driver, 1);
    expect(await health(service)).toMatchObject({ status: 200, body: { degraded: true } });
    await takeCalls(driver, 1);
    expect(service.pendingEvents()).toBe(6);
    expect((await health(service)).status).toBe(503);
    const publisher = service.app.get(SpoolPublisher);
    await waitFor(() => publisher.status().producersRecreated > 0, {
      what: 'the producer thrown away after repeated failures',
      timeoutMs: 20000,
    });
    link.restore();
    await waitFor(() => service.pendingEvents() === 0, { timeoutMs: 30000, what: 'the spool to drain' });
    expect(await health(service)).toMatchObject({ status: 200 });
    await waitFor(() => calls.of('CallCompleted').length === placed.length, { what: 'every call on the topic' });
    const ids = calls.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(placed.length * 3);
    await service.close();
  }, 60000);

  function expectEachEventOnce(): void {
    const ids = calls.events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(placed.length * 3);
  }
});
