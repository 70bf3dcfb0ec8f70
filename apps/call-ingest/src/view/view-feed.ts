import { randomUUID } from 'node:crypto';
import type { Kafka } from 'kafkajs';
import { topicName } from '@callpool/contracts';
import { ensureTopics, EventConsumer } from '@callpool/kafka';
import { isPoolEvent } from '@callpool/pool-domain';
import { applyEvent, emptyView, HolderView } from '../attribution/holder-view';
import { readSnapshot, writeSnapshot } from './view-snapshot';

export interface ViewFeedOptions {
  kafka: Kafka;
  topicPrefix: string;
  /** KAFKA_REPLICATION_FACTOR, should call-ingest be the first to create the topics. */
  replicationFactor?: number;
  dataDir: string;
  snapshotEveryMs: number;
  /** A manual clock is moved up to the newest event seen (CONTRACT.md, Clock). */
  onEventTime: (occurredAt: Date) => void;
  log: { warn(message: string): void; log(message: string): void };
}

export type ViewSource = 'none' | 'snapshot' | 'live';

/** Kafka is taken as unreachable when the consumer's long polls (100 ms) stop coming back for this long. */
const SILENCE_MS = 5000;

/**
 * Keeps the number→holder view call-ingest routes from. Until a replay of
 * `callpool.allocations` (read-committed, from the beginning, own group) has
 * caught up, calls are routed from the last snapshot if there is one; the
 * replayed view then takes over and stays live. Start-up never waits for
 * Kafka: the connection is retried in the background for as long as it takes.
 */
export class ViewFeed {
  private serving: HolderView = emptyView();
  private source: ViewSource = 'none';
  private consumer: EventConsumer | null = null;
  private lastFetchAt = 0;
  private changedSinceSnapshot = false;
  private stopped = false;
  private timer: NodeJS.Timeout | null = null;
  readonly topic: string;
  /** Calls are read too: a caller put down to a visitor before is recognised among a number's candidates. */
  private readonly callsTopic: string;

  constructor(private readonly options: ViewFeedOptions) {
    this.topic = topicName('allocations', options.topicPrefix);
    this.callsTopic = topicName('calls', options.topicPrefix);
  }

  async start(): Promise<void> {
    const snapshot = await readSnapshot(this.options.dataDir, this.topic);
    if (snapshot) {
      this.serving = snapshot;
      this.source = 'snapshot';
      if (snapshot.newestEventAt) this.options.onEventTime(new Date(snapshot.newestEventAt));
    }
    void this.connectUntilStopped();
    this.timer = setInterval(() => void this.snapshotIfChanged(), this.options.snapshotEveryMs);
  }

  view(): HolderView {
    return this.serving;
  }

  status(): { source: ViewSource; kafkaReachable: boolean; newestEventAt: string | null } {
    return {
      source: this.source,
      kafkaReachable: this.source === 'live' && Date.now() - this.lastFetchAt < SILENCE_MS,
      newestEventAt: this.serving.newestEventAt,
    };
  }

  /** Resolves once the replayed view serves calls (tests; /health reports the same). */
  async whenLive(timeoutMs = 30000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.source !== 'live') {
      if (Date.now() > deadline) throw new Error(`view of ${this.topic} not caught up after ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.snapshotIfChanged();
    // Not waiting for a connection attempt in flight: against an unreachable broker it can take seconds.
    await this.consumer?.stop().catch(() => undefined);
  }

  private async connectUntilStopped(): Promise<void> {
    for (let attempt = 1; !this.stopped; attempt++) {
      try {
        await this.replay();
        return;
      } catch (error) {
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = null;
        if (attempt === 1 || attempt % 10 === 0)
          this.options.log.warn(`cannot read ${this.topic} yet (attempt ${attempt}): ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * attempt)));
      }
    }
  }

  private async replay(): Promise<void> {
    const { kafka, topicPrefix } = this.options;
    await ensureTopics(kafka, topicPrefix, 1, this.options.replicationFactor);
    if (this.stopped) return;
    const building = emptyView();
    const consumer = new EventConsumer(kafka, {
      groupId: `${topicPrefix}call-ingest.view.${randomUUID()}`,
      topics: [this.topic, this.callsTopic],
      fromBeginning: true,
      commitToGroup: false,
      handle: async ({ messages }) => {
        for (const message of messages) {
          if (!message.decoded.ok) {
            this.options.log.warn(`skipping ${this.topic}@${message.offset}: ${message.decoded.reason}`);
            continue;
          }
          const event = message.decoded.event;
          applyEvent(building, event);
          this.changedSinceSnapshot = true;
          if (this.source === 'live' && isPoolEvent(event)) this.options.onEventTime(new Date(event.occurredAt));
        }
      },
      // kafkajs gave up (a restarted broker still loading its coordinators): the consumer is rebuilt and
      // goes on after the last event folded, into the same view.
      onRebuild: (error, attempt) =>
        this.options.log.warn(`reading ${this.topic} stopped (${error.message}); reading again, attempt ${attempt}`),
      instrument: (kafkajs) => {
        kafkajs.on(kafkajs.events.FETCH, () => (this.lastFetchAt = Date.now()));
        kafkajs.on(kafkajs.events.CRASH, ({ payload }) => {
          // Closing the connections makes an in-flight fetch crash, and kafkajs then schedules a restart
          // after our disconnect: disconnecting once more cancels it.
          if (this.stopped) return void setImmediate(() => void kafkajs.disconnect().catch(() => undefined));
          if (payload.restart)
            this.options.log.warn(`reading ${this.topic} failed, kafkajs retries: ${payload.error.message}`);
        });
      },
    });
    this.consumer = consumer;
    await consumer.start();
    if (this.stopped) return void (await consumer.stop());
    void consumer.whenCaughtUp().then(() => this.goLive(building));
  }

  private goLive(building: HolderView): void {
    if (this.stopped) return;
    this.serving = building;
    this.source = 'live';
    this.lastFetchAt = Date.now();
    if (building.newestEventAt) this.options.onEventTime(new Date(building.newestEventAt));
    this.options.log.log(
      `view of ${this.topic} caught up: ${building.numbers.size} numbers, ${building.listings.size} listings`,
    );
    this.changedSinceSnapshot = true;
    void this.snapshotIfChanged();
  }

  private async snapshotIfChanged(): Promise<void> {
    if (this.source !== 'live' || !this.changedSinceSnapshot) return;
    this.changedSinceSnapshot = false;
    try {
      await writeSnapshot(this.options.dataDir, this.topic, this.serving, new Date());
    } catch (error) {
      this.changedSinceSnapshot = true;
      this.options.log.warn(`cannot write the view snapshot: ${(error as Error).message}`);
    }
  }
}
