import net from 'node:net';
import { Kafka, logLevel } from 'kafkajs';

/**
 * A kafkajs client whose network the test can cut and restore, against the
 * real broker. A TCP proxy would not do: the broker advertises its own
 * address, and after the first metadata request kafkajs connects there
 * directly. While cut, every open socket is destroyed and every new one is
 * sent to a port nothing listens on (a real ECONNREFUSED).
 */
export interface KafkaLink {
  kafka: Kafka;
  cut(): void;
  restore(): void;
}

export function cuttableKafka(brokers: string[], clientId: string): KafkaLink {
  const open = new Set<net.Socket>();
  let isCut = false;
  const kafka = new Kafka({
    clientId,
    brokers,
    connectionTimeout: 1000,
    requestTimeout: 5000,
    retry: { initialRetryTime: 50, maxRetryTime: 1000, retries: 3 },
    logLevel: logLevel.NOTHING,
    socketFactory: ({ host, port, onConnect }) => {
      const socket = isCut
        ? net.connect({ host: '127.0.0.1', port: 1 }, onConnect)
        : net.connect({ host, port }, onConnect);
      open.add(socket);
      socket.on('close', () => open.delete(socket));
      return socket;
    },
  });
  return {
    kafka,
    cut() {
      isCut = true;
      for (const socket of open) socket.destroy(new Error('network cut by the test'));
    },
    restore() {
      isCut = false;
    },
  };
}
