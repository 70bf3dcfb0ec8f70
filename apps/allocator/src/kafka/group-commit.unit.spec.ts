import { CallpoolEvent, newEvent } from '@callpool/contracts';
import { OutgoingMessages, TransactionalEventWriter } from '@callpool/kafka';
import {
  GroupCommitWriter,
  MAX_EVENTS_PER_TRANSACTION,
  MAX_PENDING_BATCHES,
  MAX_TRANSACTION_BYTES,
} from './group-commit';

/** Records what each transaction would carry; commits take a turn of the event loop, like Kafka's. */
class RecordingWriter {
  readonly transactions: number[] = [];
  readonly bytes: number[] = [];
  async commit(batches: OutgoingMessages[]): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.transactions.push(batches.reduce((sum, b) => sum + b.messages.length, 0));
    this.bytes.push(batches.flatMap((b) => b.messages).reduce((sum, m) => sum + m.value.length + m.key.length, 0));
  }
}

/** A page view with a 2 000-character url: a few hundred of them exceed the byte bound. */
const bigPageView = (n: number): CallpoolEvent =>
  newEvent(
    'PageViewed',
    { visitorId: `v-${n}`, sessionId: `s-${n}`, url: `/cars/${'x'.repeat(2000)}`, action: 'view' },
    { occurredAt: new Date(0), metadata: { producer: 'test' } },
  );

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

  it('bounds a transaction by bytes below the broker limit, whatever the count', async () => {
    const recording = new RecordingWriter();
    const writer = new GroupCommitWriter(
      recording as unknown as TransactionalEventWriter,
      { allocations: 'a', webEvents: 'w', shard: 0 },
      () => undefined,
    );
    await Promise.all(Array.from({ length: 500 }, (_, n) => writer.append([bigPageView(n)])));
    expect(recording.transactions.reduce((a, b) => a + b, 0)).toBe(500);
    expect(recording.transactions.length).toBeGreaterThan(1);
    expect(Math.max(...recording.bytes)).toBeLessThanOrEqual(MAX_TRANSACTION_BYTES);
  });

  it('reports back-pressure while more batches wait than it will queue', async () => {
    let release: () => void = () => undefined;
    const stalled = { commit: () => new Promise<void>((resolve) => (release = resolve)) };
    const writer = new GroupCommitWriter(
      stalled as unknown as TransactionalEventWriter,
      { allocations: 'a', webEvents: 'w', shard: 0 },
      () => undefined,
    );
    const waiting: Promise<void>[] = [];
    for (let n = 0; n < (MAX_PENDING_BATCHES + 2) * MAX_EVENTS_PER_TRANSACTION; n++)
      waiting.push(writer.append([expiry(n)]));
    await new Promise((resolve) => setImmediate(resolve));
    expect(writer.backedUp()).toBe(true);
    while (writer.backedUp()) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(writer.backedUp()).toBe(false);
    for (let i = 0; i < MAX_PENDING_BATCHES + 3; i++) {
      release();
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    await Promise.all(waiting);
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
