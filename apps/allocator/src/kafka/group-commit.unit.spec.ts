import { CallpoolEvent } from '@callpool/contracts';
import type { OutgoingEvents, TransactionalEventWriter, TransactionOffsets } from '@callpool/kafka';
import { CommitRefusedError, GroupCommitWriter } from './group-commit';

/** A transactional writer whose commits the spec finishes by hand. */
class ManualCommits {
  readonly commits: Array<{ batches: OutgoingEvents[]; offsets?: TransactionOffsets; finish: (error?: Error) => void }> = [];
  commit(batches: OutgoingEvents[], offsets?: TransactionOffsets): Promise<void> {
    return new Promise((resolve, reject) => this.commits.push({ batches, offsets, finish: (error) => (error ? reject(error) : resolve()) }));
  }
}

const event = (type: 'NumberCooledDown' | 'PageViewed', id: string) => ({ id, type }) as unknown as CallpoolEvent;
const tick = () => new Promise((resolve) => setImmediate(resolve));
const topics = { allocations: 'a', webEvents: 'w', shard: 2 };

describe('GroupCommitWriter', () => {
  it('puts everything appended while a transaction commits into the next one, and answers each append only after its commit', async () => {
    const kafka = new ManualCommits();
    const writer = new GroupCommitWriter(kafka as unknown as TransactionalEventWriter, topics, () => undefined);
    const settled: string[] = [];
    void writer.append([event('NumberCooledDown', '1')]).then(() => settled.push('1'));
    await tick();
    void writer.append([event('NumberCooledDown', '2')]).then(() => settled.push('2'));
    void writer.append([event('PageViewed', '3')]).then(() => settled.push('3'));
    expect(kafka.commits).toHaveLength(1);
    kafka.commits[0].finish();
    await tick();
    expect(settled).toEqual(['1']);
    expect(kafka.commits).toHaveLength(2);
    expect(kafka.commits[1].batches.map((b) => [b.topic, b.partition, b.events.map((e) => e.id)])).toEqual([
      ['a', 2, ['2']],
      ['w', undefined, ['3']],
    ]);
    kafka.commits[1].finish();
    await tick();
    expect(settled).toEqual(['1', '2', '3']);
  });

  it('commits consumer offsets with the events, keeping the furthest offset per partition', async () => {
    const kafka = new ManualCommits();
    const writer = new GroupCommitWriter(kafka as unknown as TransactionalEventWriter, topics, () => undefined);
    const at = (offset: string) => ({ consumerGroupId: 'g', topics: [{ topic: 'calls', partitions: [{ partition: 0, offset }] }] });
    void writer.append([], at('5'));
    void writer.append([event('NumberCooledDown', '1')], at('9'));
    void writer.append([], at('7'));
    await tick();
    expect(kafka.commits[0].offsets).toEqual(at('9'));
  });

  it('refuses everything after a failed transaction and reports the failure once', async () => {
    const kafka = new ManualCommits();
    const failures: Error[] = [];
    const writer = new GroupCommitWriter(kafka as unknown as TransactionalEventWriter, topics, (error) => failures.push(error));
    const first = writer.append([event('NumberCooledDown', '1')]);
    await tick();
    const waiting = writer.append([event('NumberCooledDown', '2')]);
    kafka.commits[0].finish(new Error('INVALID_PRODUCER_EPOCH'));
    await expect(first).rejects.toBeInstanceOf(CommitRefusedError);
    await expect(waiting).rejects.toBeInstanceOf(CommitRefusedError);
    await expect(writer.append([event('NumberCooledDown', '3')])).rejects.toBeInstanceOf(CommitRefusedError);
    expect(failures.map((e) => e.message)).toEqual(['INVALID_PRODUCER_EPOCH']);
    expect(kafka.commits).toHaveLength(1);
  });
});
