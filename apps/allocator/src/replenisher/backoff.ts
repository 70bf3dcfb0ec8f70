/** Exponential back-off in real time, reset by a success. */
export class Backoff {
  private failures = 0;
  private until = 0;

  constructor(
    private readonly baseMs: number,
    private readonly maxMs: number,
  ) {}

  ready(): boolean {
    return Date.now() >= this.until;
  }

  /**
   * Records a failure; returns the delay before the next attempt. Failures of
   * purchases that ran side by side count once: they are one attempt.
   */
  failed(): number {
    if (!this.ready()) return this.until - Date.now();
    const delay = Math.min(this.maxMs, this.baseMs * 2 ** this.failures);
    this.failures++;
    this.until = Date.now() + delay;
    return delay;
  }

  succeeded(): void {
    this.failures = 0;
    this.until = 0;
  }
}
