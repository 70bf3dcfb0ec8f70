import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** The answer's shape as the allocator gives it (CONTRACT.md), fixed. */
const FIXED_ANSWER = JSON.stringify({
  number: '+15550000000',
  pool: 'session',
  attribution: 'visitor',
  expiresAt: '2026-01-01T00:10:00.000Z',
});

/**
 * The ceiling of the allocator benchmark: plain node:http that reads and
 * parses the POST /v1/displays body and answers a fixed display. No
 * framework, no validation, no pool, no Kafka: what this machine can do for
 * the same requests before any of callpool's work.
 */
export async function startBareDisplay(port = 0): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      try {
        JSON.parse(body);
      } catch {
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(FIXED_ANSWER);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
