import { createServer } from 'node:net';

function listensOn(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(bound));
    });
  });
}

let nextInRange = 0;

/**
 * A port nobody listens on right now (for services whose config wants a port ≥ 1).
 * `BENCH_PORT_RANGE=16000-16999` keeps the benchmark's services inside a range
 * (a shared machine where each user owns one); else any free port.
 */
export async function freePort(range = process.env.BENCH_PORT_RANGE): Promise<number> {
  const bounds = /^(\d+)-(\d+)$/.exec(range ?? '');
  if (!bounds) return listensOn(0);
  const [low, high] = [Number(bounds[1]), Number(bounds[2])];
  for (let tried = 0; tried <= high - low; tried++) {
    const port = low + (nextInRange++ % (high - low + 1));
    const bound = await listensOn(port).catch(() => 0);
    if (bound) return bound;
  }
  throw new Error(`no free port in BENCH_PORT_RANGE ${range}`);
}
