import { Kafka } from 'kafkajs';
import { CallpoolEvent, decodeEvent, topicName } from '@callpool/contracts';
import { createKafka } from '@callpool/kafka';
import { TEST_KAFKA_BROKERS, uniqueTopicPrefix, waitFor } from '@callpool/testing';
import { startTwilioStandIn, TwilioStandIn } from '@callpool/twilio-standin';
import { RunningAllocator, startAllocator, StartOptions } from '../allocator';
import { allocatorConfig, AllocatorConfig } from '../config';

// Suites wait for the broker, the stand-in and the replenisher: well past jest's 5 s default.
jest.setTimeout(45_000);

export const ADMIN_TOKEN = 'test-admin-token';
export const DEALER_LINE = '+14155550199';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * One suite's world: its own topic prefix, a Twilio stand-in on a free port,
 * and allocators started in this process against the real broker.
 */
export class AllocatorHarness {
  readonly prefix: string;
  standIn!: TwilioStandIn;
  readonly running: RunningAllocator[] = [];
  readonly exits: Array<{ code: number; reason: string }> = [];
  private readonly kafkas: Kafka[] = [];

  constructor(
    label: string,
    private readonly overrides: Record<string, string | number | undefined> = {},
  ) {
    this.prefix = uniqueTopicPrefix(label);
  }

  async setUp(): Promise<this> {
    this.standIn = await startTwilioStandIn({ port: 0 });
    return this;
  }

  config(overrides: Record<string, string | number | undefined> = {}): AllocatorConfig {
    return allocatorConfig({
      KAFKA_BROKERS: TEST_KAFKA_BROKERS.join(','),
      CALLPOOL_TOPIC_PREFIX: this.prefix,
      CALLPOOL_ADMIN_TOKEN: ADMIN_TOKEN,
      TWILIO_API_URL: this.standIn.url,
      TWILIO_ACCOUNT_SID: this.standIn.accountSid,
      TWILIO_AUTH_TOKEN: this.standIn.authToken,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      // Suites drive many visitors from this host, as the simulator does; the rate-limit suite clears it.
      RATE_LIMIT_ALLOW: '127.0.0.1,::1',
      ...this.overrides,
      ...overrides,
    });
  }

  async start(
    overrides: Record<string, string | number | undefined> = {},
    options: StartOptions = {},
  ): Promise<Client> {
    const allocator = await startAllocator(this.config(overrides), {
      port: 0,
      host: '127.0.0.1',
      exit: (code, reason) => this.exits.push({ code, reason }),
      ...options,
    });
    this.running.push(allocator);
    await allocator.ready();
    return new Client(allocator);
  }

  kafka(): Kafka {
    const kafka = createKafka({ brokers: TEST_KAFKA_BROKERS, clientId: 'allocator-test', topicPrefix: this.prefix });
    this.kafkas.push(kafka);
    return kafka;
  }

  /**
   * The numbers of the committed NumberProvisioned events, once `enough` holds of them. The pool
   * counts a number as soon as it is decided; its NumberProvisioned commits a moment later.
   */
  provisionedInLog(enough: (numbers: string[]) => boolean, what: string): Promise<string[]> {
    return waitFor(
      async () => {
        const numbers = (await this.readTopic('allocations')).flatMap((e) =>
          e.type === 'NumberProvisioned' ? [e.data.number] : [],
        );
        return enough(numbers) ? numbers : undefined;
      },
      { what },
    );
  }

  /** Every committed event of a topic, read back from the beginning. */
  async readTopic(key: 'allocations' | 'calls' | 'webEvents'): Promise<CallpoolEvent[]> {
    const kafka = this.kafka();
    const topic = topicName(key, this.prefix);
    const admin = kafka.admin();
    await admin.connect();
    const high = (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
    await admin.disconnect();
    const events: CallpoolEvent[] = [];
    let lastOffset = -1;
    const consumer = kafka.consumer({
      groupId: `${this.prefix}reader-${Date.now()}-${Math.random()}`,
      maxWaitTimeInMs: 100,
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const m of batch.messages) {
          const decoded = decodeEvent(m.value);
          if (decoded.ok) events.push(decoded.event);
        }
        lastOffset = Number(batch.lastOffset());
      },
    });
    await waitFor(() => high === 0 || lastOffset + 1 >= high, {
      what: `reading ${topic} to offset ${high}`,
      timeoutMs: 20000,
    });
    await consumer.disconnect();
    return events;
  }

  async tearDown(): Promise<void> {
    for (const allocator of this.running) await allocator.close().catch(() => undefined);
    await this.standIn?.close();
  }
}

export class Client {
  constructor(readonly allocator: RunningAllocator) {}

  get url(): string {
    return this.allocator.url;
  }

  async request<T = any>(
    method: string,
    path: string,
    body?: unknown,
    token: string | null = ADMIN_TOKEN,
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  }

  listing(listingId: string, tier: 'premium' | 'standard' = 'premium', forwardTo = DEALER_LINE) {
    return this.request('PUT', `/v1/listings/${listingId}`, { dealerId: 'D-1', forwardTo, tier });
  }

  display(visitorId: string, sessionId: string, listingId: string) {
    return this.request('POST', '/v1/displays', { visitorId, sessionId, listingId });
  }

  async pool(): Promise<Record<string, number>> {
    return (await this.request('GET', '/v1/pool')).body;
  }

  advanceClock(now: Date | number) {
    return this.request('POST', '/internal/clock', { now: new Date(now).toISOString() });
  }

  /** Waits until the pool has at least `available` free numbers (the replenisher topped it up). */
  waitForAvailable(available: number, timeoutMs = 20000) {
    return waitFor(async () => ((await this.pool()).available >= available ? true : undefined), {
      timeoutMs,
      what: `${available} available numbers`,
    });
  }
}
