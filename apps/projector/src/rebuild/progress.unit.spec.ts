import { Positions } from '../consumer/positions';
import { Progress } from './progress';

const target = (entries: Array<[string, number, bigint]>) =>
  new Map(entries.map(([topic, partition, offset]) => [`${topic}\u0000${partition}`, offset]));

describe('rebuild progress', () => {
  it('reports how far the replay is, of how much, while it moves, and returns once every target is reached', async () => {
    const positions = new Positions();
    const lines: string[] = [];
    const progress = new Progress(positions, () => 150, { info: (m) => lines.push(m), warn: () => undefined }, 150);
    positions.committed('allocations', 0, 100n);
    setTimeout(() => positions.committed('calls', 0, 50n), 400);
    setTimeout(() => positions.committed('allocations', 0, 300n), 500);
    await progress.until(
      target([
        ['allocations', 0, 300n],
        ['calls', 0, 100n],
      ]).set('calls\u00000', 50n),
    );
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toMatch(/^150 events projected, offset 100 of 350 \(28\.5%\), \d+ events\/s$/);
  });

  it('gives up only when the replay stops moving, naming the partitions it is stuck on', async () => {
    const positions = new Positions();
    const log = { info: () => undefined, warn: () => undefined };
    const progress = new Progress(positions, () => 0, log, 1000, 300);
    await expect(progress.until(target([['calls', 2, 10n]]))).rejects.toThrow(
      /no progress for 0.3 s, stuck on calls\/2/,
    );
  });
});
