/** What a service answered: status and parsed JSON body (or text). */
export interface Answer<T = unknown> {
  status: number;
  body: T;
}

export class ServiceError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * JSON over HTTP to one service. A 503 (allocator rebuilding, a Kafka commit
 * that failed) and connection errors are retried with a short back-off: the
 * simulation measures attribution, not how a hiccup of the local broker looks.
 */
export class ServiceClient {
  constructor(
    readonly baseUrl: string,
    private readonly headers: Record<string, string> = {},
    private readonly attempts = 8,
  ) {}

  get<T>(path: string, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return this.request<T>('GET', path, undefined, headers);
  }

  post<T>(path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return this.request<T>('POST', path, body, headers);
  }

  put<T>(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    return this.request<T>('PUT', path, body, headers);
  }

  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<Answer<T>> {
    let lastError = '';
    for (let attempt = 1; attempt <= this.attempts; attempt++) {
      try {
        const response = await fetch(`${this.baseUrl}${path}`, {
          method,
          headers: {
            ...this.headers,
            ...headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(30_000),
        });
        const text = await response.text();
        if (response.status === 503 && attempt < this.attempts) {
          lastError = `503 ${text.slice(0, 200)}`;
          await sleep(Math.min(2000, 50 * 2 ** attempt));
          continue;
        }
        return { status: response.status, body: (text && isJson(response) ? JSON.parse(text) : text) as T };
      } catch (error) {
        lastError = (error as Error).message;
        if (attempt < this.attempts) await sleep(Math.min(2000, 50 * 2 ** attempt));
      }
    }
    throw new ServiceError(`${method} ${this.baseUrl}${path} failed after ${this.attempts} attempts: ${lastError}`);
  }
}

function isJson(response: Response): boolean {
  return (response.headers.get('content-type') ?? '').includes('json');
}

/** Runs `work` for every item with at most `limit` in flight; resolves when all are done. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
