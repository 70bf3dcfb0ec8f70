import { CallpoolEvent, newEvent } from '@callpool/contracts';
import { OpenTransaction, OutgoingMessages } from '@callpool/kafka';
import { GroupCommitWriter, MAX_EVENTS_PER_TRANSACTION, MAX_TRANSACTION_BYTES, TransactionLane } from './group-commit';

const topics = { allocations: 'a', webEvents: 'w', shard: 0 };
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

/** A lane whose transactions take a turn of the event loop, like Kafka's, from a fake that only commits. */
const laneOf = (writer: { commit(batches: OutgoingMessages[]): Promise<void> }): TransactionLane => ({
  begin: async (batches) => ({ commit: () => writer.commit(batches), abort: async () => undefined }),
});

/** Records what each transaction would carry. */
class RecordingWriter {
  readonly transactions: number[] = [];
  readonly bytes: number[] = [];
  async commit(batches: OutgoingMessages[]): Promise<void> {
    await tick();
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
    const writer = new GroupCommitWriter([laneOf(recording)], topics, () => undefined);
    // A clock move that expires 3 000 sessions: 30 decisions of 100 events, appended in one tick.
    const decisions = Array.from({ length: 30 }, (_, d) => Array.from({ length: 100 }, (_, i) => expiry(d * 100 + i)));
    await Promise.all(decisions.map((events) => writer.append(events)));
    expect(recording.transactions.reduce((a, b) => a + b, 0)).toBe(3000);
    expect(Math.max(...recording.transactions)).toBeLessThanOrEqual(MAX_EVENTS_PER_TRANSACTION);
    expect(recording.transactions.every((size) => size % 100 === 0)).toBe(true);
  });

  it('bounds a transaction by bytes below the broker limit, whatever the count', async () => {
    const recording = new RecordingWriter();
    const writer = new GroupCommitWriter([laneOf(recording)], topics, () => undefined);
    await Promise.all(Array.from({ length: 500 }, (_, n) => writer.append([bigPageView(n)])));
    expect(recording.transactions.reduce((a, b) => a + b, 0)).toBe(500);
    expect(recording.transactions.length).toBeGreaterThan(1);
    expect(Math.max(...recording.bytes)).toBeLessThanOrEqual(MAX_TRANSACTION_BYTES);
  });

  it('reports back-pressure once COMMIT_QUEUE_MAX events wait, and lifts it as transactions commit', async () => {
    let release: () => void = () => undefined;
    const stalled = { commit: () => new Promise<void>((resolve) => (release = resolve)) };
    const writer = new GroupCommitWriter([laneOf(stalled)], topics, () => undefined, undefined, {
      maxWaitingEvents: 10,
    });
    const first = writer.append([expiry(0)]);
    await tick();
    // The first is in its transaction; these wait for the next one.
    const waiting = Array.from({ length: 9 }, (_, n) => writer.append([expiry(n + 1)]));
    expect(writer.waiting).toBe(9);
    expect(writer.backedUp()).toBe(false);
    waiting.push(writer.append([expiry(10)]));
    expect(writer.backedUp()).toBe(true);
    release();
    await first;
    await tick();
    expect(writer.waiting).toBe(0);
    expect(writer.backedUp()).toBe(false);
    release();
    await Promise.all(waiting);
  });

  it('pipelines over two lanes: the next batch is written while the previous commits, and committed after it', async () => {
    const steps: string[] = [];
    const commits: Array<() => void> = [];
    const lane = (name: string): TransactionLane => ({
      begin: async (batches) => {
        const size = batches.reduce((sum, b) => sum + b.messages.length, 0);
        steps.push(`${name} wrote ${size}`);
        return {
          commit: () =>
            new Promise<void>((resolve) => commits.push(() => (steps.push(`${name} committed`), resolve()))),
          abort: async () => void steps.push(`${name} aborted`),
        };
      },
    });
    const writer = new GroupCommitWriter([lane('A'), lane('B')], topics, () => undefined);
    const first = writer.append([expiry(1)]);
    await tick();
    const second = writer.append([expiry(2), expiry(3)]);
    await tick();
    // B wrote its batch while A's commit is still open; B's commit waits for A's.
    expect(steps).toEqual(['A wrote 1', 'B wrote 2']);
    expect(commits).toHaveLength(1);
    commits[0]();
    await first;
    await tick();
    commits[1]();
    await second;
    expect(steps).toEqual(['A wrote 1', 'B wrote 2', 'A committed', 'B committed']);
  });

  it('never commits a batch whose predecessor failed: it is aborted and both are refused', async () => {
    const steps: string[] = [];
    let failFirst: (error: Error) => void = () => undefined;
    const failures: Error[] = [];
    const lanes: TransactionLane[] = [
      {
        begin: async () => ({
          commit: () => new Promise<void>((_, reject) => (failFirst = reject)),
          abort: async () => undefined,
        }),
      },
      {
        begin: async (): Promise<OpenTransaction> => ({
          commit: async () => void steps.push('second committed'),
          abort: async () => void steps.push('second aborted'),
        }),
      },
    ];
    const writer = new GroupCommitWriter(lanes, topics, (e) => failures.push(e));
    const first = writer.append([expiry(1)]);
    await tick();
    const second = writer.append([expiry(2)]);
    await tick();
    failFirst(new Error('broker gone'));
    await expect(first).rejects.toThrow(/not committed/);
    await expect(second).rejects.toThrow(/not committed/);
    await tick();
    expect(steps).toEqual(['second aborted']);
    expect(failures).toHaveLength(1);
  });

  it('still groups the requests that arrive while a transaction commits', async () => {
    const recording = new RecordingWriter();
    const writer = new GroupCommitWriter([laneOf(recording)], topics, () => undefined);
    await Promise.all(Array.from({ length: 50 }, (_, n) => writer.append([expiry(n)])));
    expect(recording.transactions).toEqual([50]);
  });

  it('refuses every waiting decision once a transaction failed', async () => {
    const failures: Error[] = [];
    const broken = { commit: async () => Promise.reject(new Error('INVALID_PRODUCER_EPOCH')) };
    const writer = new GroupCommitWriter([laneOf(broken)], topics, (e) => failures.push(e));
    const first = writer.append(Array.from({ length: 600 }, (_, n) => expiry(n)));
    const second = writer.append([expiry(9999)]);
    await expect(first).rejects.toThrow(/not committed/);
    await expect(second).rejects.toThrow(/not committed/);
    await expect(writer.append([expiry(1)])).rejects.toThrow(/not committed/);
    expect(failures).toHaveLength(1);
  });
});
