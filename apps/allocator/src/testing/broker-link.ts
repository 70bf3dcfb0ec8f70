import { connect, Socket } from 'node:net';
import { ISocketFactory, Kafka, logLevel } from 'kafkajs';
import { TEST_KAFKA_BROKERS } from '@callpool/testing';

/**
 * The real broker behind a switch. `cut()` destroys every connection and
 * refuses new ones until `restore()`, as a broker outage or a partition
 * would; `stall()` stops reading the broker's answers until `resume()`, as a
 * broker that has stopped answering would (requests go out, nothing comes
 * back). Only the network between the allocator and the broker is touched.
 */
export class BrokerLink {
  private readonly sockets = new Set<Socket>();
  private down = false;
  private stalled = false;

  readonly socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    // Port 1 on loopback: nothing listens there, so the connection is refused at once.
    const socket = connect({ host, port: this.down ? 1 : port }, onConnect);
    if (this.stalled) socket.pause();
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    return socket;
  };

  /** A kafkajs client whose connections go through this link. */
  kafka(clientId: string): Kafka {
    return new Kafka({
      clientId,
      brokers: TEST_KAFKA_BROKERS,
      socketFactory: this.socketFactory,
      connectionTimeout: 1000,
      retry: { initialRetryTime: 50, maxRetryTime: 500, retries: 3 },
      logLevel: logLevel.NOTHING,
    });
  }

  cut(): void {
    this.down = true;
    for (const socket of this.sockets) socket.destroy(new Error('link cut by the test'));
  }

  restore(): void {
    this.down = false;
  }

  stall(): void {
    this.stalled = true;
    for (const socket of this.sockets) socket.pause();
  }

  resume(): void {
    this.stalled = false;
    for (const socket of this.sockets) socket.resume();
  }
}
