import { ReplayProgress } from './replay-progress';

describe('start-up replay progress', () => {
  afterEach(() => jest.useRealTimers());

  it('logs how far the replay is every few seconds while it runs, and nothing once it stopped', () => {
    jest.useFakeTimers();
    let now = 0;
    const lines: string[] = [];
    const progress = new ReplayProgress(
      (line) => lines.push(line),
      5000,
      () => now,
    );
    progress.target('web-events', 0, 400n);
    progress.target('allocations', 0, 600n);
    progress.start();
    progress.fold('web-events', 0, 400, 399n);
    progress.fold('allocations', 0, 100, 149n);
    now = 5000;
    jest.advanceTimersByTime(5000);
    expect(lines).toEqual(['replaying the log: 500 events folded, offset 550 of 1000 (55.0%), 100 events/s']);

    progress.fold('allocations', 0, 450, 599n);
    now = 10_000;
    jest.advanceTimersByTime(5000);
    expect(lines[1]).toBe('replaying the log: 950 events folded, offset 1000 of 1000 (100.0%), 95 events/s');

    progress.stop();
    jest.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
  });

  it('counts a partition at most up to its target (records written after start-up are not part of the replay)', () => {
    const progress = new ReplayProgress(
      () => undefined,
      5000,
      () => 1000,
    );
    progress.target('allocations', 0, 10n);
    progress.fold('allocations', 0, 20, 19n);
    expect(progress.line()).toMatch(/offset 10 of 10 \(100\.0%\)/);
  });
});
