/**
 * Says every few seconds how far the start-up replay is, so a long replay of
 * a big log reads as working, not stuck: `npm run up` waits on the
 * allocator's /health only as long as its log keeps growing
 * (scripts/lib/processes.mjs waitHealthy), and an operator watching the log
 * sees the rate and how much is left. There is no deadline on the replay
 * itself.
 */
export class ReplayProgress {
  private readonly started: number;
  private timer: NodeJS.Timeout | null = null;
  private folded = 0;
  private readonly reached = new Map<string, bigint>();
  private readonly targets = new Map<string, bigint>();

  constructor(
    private readonly say: (line: string) => void,
    private readonly everyMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  /** Where the replay of `topic`/`partition` must get to: the last stable offset when it started. */
  target(topic: string, partition: number, endOffset: bigint): void {
    this.targets.set(`${topic}/${partition}`, endOffset);
  }

  /** A fetched batch was folded: `events` of them, up to `lastOffset`. */
  fold(topic: string, partition: number, events: number, lastOffset: bigint): void {
    this.folded += events;
    this.reached.set(`${topic}/${partition}`, lastOffset + 1n);
  }

  start(): void {
    this.timer ??= setInterval(() => this.say(this.line()), this.everyMs);
    this.timer.unref?.();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  line(): string {
    const seconds = (this.now() - this.started) / 1000;
    let done = 0n;
    let total = 0n;
    for (const [key, target] of this.targets) {
      const reached = this.reached.get(key) ?? 0n;
      done += reached < target ? reached : target;
      total += target;
    }
    const percent = total > 0n ? Number((done * 1000n) / total) / 10 : 100;
    return (
      `replaying the log: ${this.folded} events folded, offset ${done} of ${total} (${percent.toFixed(1)}%), ` +
      `${Math.round(this.folded / Math.max(seconds, 0.001))} events/s`
    );
  }
}
