import { Positions } from '../consumer/positions';
import { RunnerLog } from '../consumer/projection-runner';

/**
 * Waits for a rebuild to reach target offsets, logging every few seconds how
 * far it is. There is no deadline: a big log takes as long as it takes, and the
 * runner retries failed batches on its own. Only a replay that moves not at all
 * for `stallMs` gives up, naming the partitions it is stuck on.
 */
export class Progress {
  private readonly started = Date.now();

  constructor(
    private readonly positions: Positions,
    private readonly projected: () => number,
    private readonly log: RunnerLog,
    private readonly everyMs: number,
    private readonly stallMs = 10 * 60_000,
  ) {}

  async until(targets: Map<string, bigint>): Promise<void> {
    const total = sum([...targets.values()]);
    let lastReport = Date.now();
    let lastMoved = Date.now();
    let lastDone = this.done(targets);
    while (this.behind(targets).length > 0) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const done = this.done(targets);
      if (done !== lastDone) [lastDone, lastMoved] = [done, Date.now()];
      if (Date.now() - lastMoved > this.stallMs)
        throw new Error(
          `rebuild made no progress for ${this.stallMs / 1000} s, stuck on ${this.behind(targets).join(', ')}`,
        );
      if (Date.now() - lastReport >= this.everyMs) {
        lastReport = Date.now();
        this.report(done, total);
      }
    }
  }

  private report(done: bigint, total: bigint): void {
    const seconds = (Date.now() - this.started) / 1000;
    const events = this.projected();
    const percent = total > 0n ? Number((done * 1000n) / total) / 10 : 100;
    this.log.info(
      `${events} events projected, offset ${done} of ${total} (${percent.toFixed(1)}%), ` +
        `${Math.round(events / Math.max(seconds, 0.001))} events/s`,
    );
  }

  /** Offsets reached, summed over the partitions of the target (each counted up to its target). */
  private done(targets: Map<string, bigint>): bigint {
    return sum([...targets].map(([k, target]) => min(this.position(k), target)));
  }

  private behind(targets: Map<string, bigint>): string[] {
    return [...targets].filter(([k, target]) => this.position(k) < target).map(([k]) => k.replace('\u0000', '/'));
  }

  private position(k: string): bigint {
    const [topic, partition] = k.split('\u0000');
    return this.positions.get(topic, Number(partition));
  }
}

const sum = (values: bigint[]) => values.reduce((a, b) => a + b, 0n);
const min = (a: bigint, b: bigint) => (a < b ? a : b);
