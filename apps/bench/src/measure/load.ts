import { Agent, request } from 'node:http';
import { LatencySummary, Samples, summarise } from './stats';

/** One request of a load run: what to send, built fresh for each call by the traffic model. */
export interface LoadRequest {
  method: 'POST' | 'GET' | 'PUT';
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface LoadOptions {
  /** e.g. http://127.0.0.1:3001 */
  baseUrl: string;
  concurrency: number;
  /** Requests sent before measuring starts (JIT, connection set-up, caches). */
  warmupRequests: number;
  /** The measured phase ends after this long... */
  durationMs: number;
  /** ...or after this many measured requests, whichever comes first. */
  maxRequests: number;
  /** `client` is the worker's index, so a traffic model can keep per-client sessions. */
  next(client: number): LoadRequest;
  /** Optional check of each answer; a false counts the request as failed. */
  accept?(status: number, body: string): boolean;
}

export interface LoadResult {
  concurrency: number;
  requests: number;
  failures: number;
  /** Answers that were not accepted, by status, with one example body each. */
  failureExamples: Record<string, string>;
  seconds: number;
  throughput: number;
  latency: LatencySummary;
}

/**
 * A closed-loop load generator: `concurrency` clients, each with its own
 * keep-alive connection, sending the next request as soon as the previous one
 * is answered. Node's own http client, because it costs the least CPU on a
 * machine where the generator shares two cores with the service under test.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const url = new URL(options.baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency, maxFreeSockets: options.concurrency });
  const send = (r: LoadRequest) => sendOne(agent, url, r);
  try {
    await runClients(options.concurrency, options.warmupRequests, Infinity, send, options, null);
    const latencies = new Samples();
    const failures = { count: 0, examples: {} as Record<string, string> };
    const started = performance.now();
    await runClients(options.concurrency, options.maxRequests, started + options.durationMs, send, options, {
      latencies,
      failures,
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      concurrency: options.concurrency,
      requests: latencies.length,
      failures: failures.count,
      failureExamples: failures.examples,
      seconds,
      throughput: latencies.length / seconds,
      latency: summarise(latencies.values()),
    };
  } finally {
    agent.destroy();
  }
}

type Record_ = { latencies: Samples; failures: { count: number; examples: Record<string, string> } } | null;

async function runClients(
  concurrency: number,
  budget: number,
  deadline: number,
  send: (r: LoadRequest) => Promise<{ status: number; body: string }>,
  options: LoadOptions,
  record: Record_,
): Promise<void> {
  let left = budget;
  const client = async (index: number) => {
    while (left > 0 && performance.now() < deadline) {
      left--;
      const req = options.next(index);
      const t0 = performance.now();
      const answer = await send(req).catch((error: Error) => ({ status: 0, body: error.message }));
      const elapsed = performance.now() - t0;
      const ok = options.accept ? options.accept(answer.status, answer.body) : answer.status < 300;
      if (!record) continue;
      record.latencies.push(elapsed);
      if (!ok) {
        record.failures.count++;
        record.failures.examples[String(answer.status)] ??= answer.body.slice(0, 300);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, i) => client(i)));
}

function sendOne(agent: Agent, url: URL, r: LoadRequest): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: r.method,
        path: r.path,
        headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(r.body);
  });
}
