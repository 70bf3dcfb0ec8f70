import { connect, Socket } from 'node:net';
import { ISocketFactory, Kafka, logLevel } from 'kafkajs';
import { TEST_KAFKA_BROKERS, waitFor } from '@callpool/testing';
import { AllocatorHarness } from './testing/harness';

/**
 * The real broker behind a switch: `cut()` destroys every connection and
 * refuses new ones until `restore()`, as a broker outage or a partition
 * would. Only the network between this allocator and the broker is faked.
 */
class BrokerLink {
  private readonly sockets = new Set<Socket>();
  private down = false;

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const socket = connect({ host, port: this.down ? 1 : port }, onConnect);
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  };

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy(new Error('link cut by the test'));
  }

  restore(): void {
    this.down = false;
  }
}

describe('allocator after a failed transaction', () => {
  const world = new AllocatorHarness('alloc_recovery', { CALLPOOL_CLOCK: 'manual', POOL_FLOOR: 3, POOL_MAX: 3 });
  const link = new BrokerLink();

  beforeAll(() => world.setUp());
  afterAll(() => world.tearDown());

  it('answers 503 to the failed batch, rebuilds from the log in the same process, and serves again', async () => {
    const kafka = new Kafka({
      clientId: 'allocator-recovery',
      brokers: TEST_KAFKA_BROKERS,
      socketFactory: link.socketFactory,
      connectionTimeout: 1000,
      retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 3 },
      logLevel: logLevel.NOTHING,
    });
    const client = await world.start({}, { kafka });
    await client.listing('L-1');
    await client.waitForAvailable(3);
    const kept = await client.display('v-1', 's-1', 'L-1');
    expect(kept.body.pool).toBe('session');

    link.cut();
    const lost = await client.display('v-2', 's-2', 'L-1');
    expect(lost.status).toBe(503);
    expect(lost.headers.get('retry-after')).toBe('1');
    expect((await client.request('GET', '/health')).status).toBe(503);

    link.restore();
    await waitFor(async () => ((await client.request('GET', '/health')).status === 200 ? true : undefined), {
      what: 'the allocator to rebuild and report healthy',
      timeoutMs: 40_000,
    });
    expect(world.exits).toEqual([]);
    // What was committed survived; what the failed transaction carried never happened.
    expect((await client.display('v-1', 's-1', 'L-1')).body.number).toBe(kept.body.number);
    const log = await world.readTopic('allocations');
    const shownToV2 = log.filter((e) => e.type === 'NumberDisplayed' && e.data.visitorId === 'v-2');
    expect(shownToV2).toEqual([]);
    const again = await client.display('v-2', 's-2', 'L-1');
    expect(again.status).toBe(200);
    const metrics = await (await fetch(`${client.url}/metrics`)).text();
    expect(metrics).toMatch(/callpool_allocator_rebuilds_total 1/);
  }, 90_000);
});
