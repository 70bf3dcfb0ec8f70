import { Counter, Gauge, Histogram } from 'prom-client';
import { Metrics } from '@callpool/service-kit';
import { PartitionLag } from './consumer/lag';
import { ChunkOutcome } from './projection/apply-batch';

/** Events projected, duplicates ignored, dead letters, batch latency and lag per partition. */
export class ProjectorMetrics {
  private readonly events: Counter<string>;
  private readonly duplicates: Counter<string>;
  private readonly deadLetters: Counter<string>;
  private readonly batches: Histogram<string>;

  constructor(metrics: Metrics, lag: () => Promise<PartitionLag[]>) {
    this.events = metrics.counter('callpool_projector_events_total', 'Events projected into Postgres', ['topic']);
    this.duplicates = metrics.counter('callpool_projector_duplicates_total', 'Redelivered events recognised by id', [
      'topic',
    ]);
    this.deadLetters = metrics.counter(
      'callpool_projector_dead_letters_total',
      'Messages the projector could not apply (malformed, or refused by Postgres), sent to dead_letters',
      ['topic'],
    );
    this.batches = metrics.histogram(
      'callpool_projector_batch_seconds',
      'Time to project one batch transaction',
      [],
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    );
    if (!metrics.registry.getSingleMetric('callpool_projector_lag_messages'))
      new Gauge({
        name: 'callpool_projector_lag_messages',
        help: 'Messages committed to a partition and not yet projected',
        labelNames: ['topic', 'partition'],
        registers: [metrics.registry],
        async collect() {
          for (const p of await lag().catch(() => []))
            this.set({ topic: p.topic, partition: String(p.partition) }, Number(p.lag));
        },
      });
  }

  chunk(topic: string, outcome: ChunkOutcome, ms: number): void {
    this.events.inc({ topic }, outcome.projected);
    this.duplicates.inc({ topic }, outcome.duplicates);
    this.deadLetters.inc({ topic }, outcome.deadLetters);
    this.batches.observe(ms / 1000);
  }
}
