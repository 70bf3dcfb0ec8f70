import { CallpoolEvent, newEvent } from '@callpool/contracts';
import { OutgoingEvents, TransactionalEventWriter } from '@callpool/kafka';
import { GroupCommitWriter, MAX_EVENTS_PER_TRANSACTION } from './group-commit';

/** Records what each transaction would carry; commits take a turn of the event loop, like Kafka's. */
class RecordingWriter {
  readonly transactions: number[] = [];
  async commit(batches: OutgoingEvents[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.transactions.push(batches.reduce((sum, b) => sum + b.events.length, 0));
  }
}

const expiry = (n: number): CallpoolEvent =>
  newEvent(
    'NumberCooledDown',
    { number: `+1555${String(n).padStart(7, '0')}` },
    { occurredAt: new Date(0), metadata: { producer: 'test' } },
  );

describe('GroupCommitWriter', () => {
  it('splits a burst bigger than one transaction may carry, keeping each decision whole', async () => {
    const recording = new RecordingWriter();
    const writer = new GroupCommitWriter(
      recording as unknown as TransactionalEventWriter,
      { allocations: 'a', webEvents: 'w', shard: 0 },
      () => undefined,
    );
    // A clock move that expires 3 000 sessions: 30 decisions of 100 events, appended in one tick.
    const decisions = Array.from({ length: 30 }, (_, d) => Array.from({ length: 100 }, (_, i) => expiry(d * 100 + i)));
    await Promise.all(decisions.map((events) => writer.append(events)));
    expect(recording.transactions.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(Math.max(...recording.transactions)).toBeLessThanOrEqual(MAX_EVENTS_PER_TRANSACTION);
    expect(recording.transactions.every((size) => size % 100 === 0)).toBe(true);
  });

  it('still groups the requests that arrive while a transaction commits', async () => {
    const recording = new RecordingWriter();
    const writer = new GroupCommitWriter(
      recording as unknown as TransactionalEventWriter,
      { allocations: 'a', webEvents: 'w', shard: 0 },
      () => undefined,
    );
    await Promise.all(Array.from({ length: 50 }, (_, n) => writer.append([expiry(n)])));
    expect(recording.transactions).toEqual([50]);
  });

  it('refuses every waiting decision once a transaction failed', async () => {
    const failures: Error[] = [];
    const broken = { commit: async () => Promise.reject(new Error('INVALID_PRODUCER_EPOCH')) };
    const writer = new GroupCommitWriter(
      broken as unknown as TransactionalEventWriter,
      { allocations: 'a', webEvents: 'w', shard: 0 },
      (e) => failures.push(e),
    );
    const first = writer.append(Array.from({ length: 600 }, (_, n) => expiry(n)));
    const second = writer.append([expiry(9999)]);
    await expect(first).rejects.toThrow(/not committed/);
    await expect(second).rejects.toThrow(/not committed/);
    await expect(writer.append([expiry(1)])).rejects.toThrow(/not committed/);
    expect(failures).toHaveLength(1);
  });
});
