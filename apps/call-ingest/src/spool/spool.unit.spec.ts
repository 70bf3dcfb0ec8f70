import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newEvent } from '@callpool/contracts';
import { Spool } from './spool';

const completed = (callSid: string, occurredAt = '2025-03-01T12:00:00.000Z') =>
  newEvent(
    'CallCompleted',
    { callSid, status: 'completed', durationS: 30 },
    { occurredAt, metadata: { producer: 'test' } },
  );

describe('Spool', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'spool-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  it('keeps concurrent appends in order and shares fsyncs between them', async () => {
    const spool = await Spool.open({ dir });
    const records = await Promise.all(Array.from({ length: 50 }, (_, i) => spool.append(completed(`CA${i}`))));
    expect(records.map((r) => r.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(spool.pending(100).map((r) => r.event.data)).toEqual(records.map((r) => r.event.data));
    await spool.close();
  });

  it('resumes after the published cursor on reopen, and remembers every record still on disk', async () => {
    const first = await Spool.open({ dir });
    for (let i = 0; i < 5; i++) await first.append(completed(`CA${i}`));
    await first.markPublished(3);
    await first.close();

    const second = await Spool.open({ dir });
    expect(second.pending(10).map((r) => r.seq)).toEqual([4, 5]);
    expect(second.takeRecovered()).toHaveLength(5);
    expect((await second.append(completed('CA5'))).seq).toBe(6);
    await second.close();
  });

  it('republishes from the oldest retained record when a crash tore the cursor (it is written without fsync)', async () => {
    const first = await Spool.open({ dir });
    for (let i = 0; i < 3; i++) await first.append(completed(`CA${i}`));
    await first.markPublished(2);
    await first.close();
    await fs.writeFile(join(dir, 'published.json'), '{"se');

    const reopened = await Spool.open({ dir });
    expect(reopened.pending(10).map((r) => r.seq)).toEqual([1, 2, 3]);
    expect((await reopened.append(completed('CA3'))).seq).toBe(4);
    await reopened.close();
  });

  it('drops a torn last line left by a crash mid-write and keeps the rest', async () => {
    const spool = await Spool.open({ dir });
    await spool.append(completed('CA1'));
    await spool.close();
    const [segment] = (await fs.readdir(dir)).filter((name) => name.startsWith('segment-'));
    await fs.appendFile(join(dir, segment), '{"seq":2,"event":{"id":"x"');

    const reopened = await Spool.open({ dir });
    expect(reopened.pending(10).map((r) => r.seq)).toEqual([1]);
    expect((await reopened.append(completed('CA2'))).seq).toBe(2);
    await reopened.close();
    const again = await Spool.open({ dir });
    expect(again.pending(10).map((r) => (r.event.data as { callSid: string }).callSid)).toEqual(['CA1', 'CA2']);
    await again.close();
  });

  it('rotates segments and deletes published ones once they are older than the retention', async () => {
    const spool = await Spool.open({ dir, segmentBytes: 600 });
    for (let i = 0; i < 6; i++) await spool.append(completed(`CA${i}`, `2025-03-01T12:00:0${i}.000Z`));
    const before = (await fs.readdir(dir)).filter((name) => name.startsWith('segment-'));
    expect(before.length).toBeGreaterThan(2);

    await spool.markPublished(4, new Date('2025-03-01T11:00:00.000Z'));
    expect((await fs.readdir(dir)).filter((name) => name.startsWith('segment-'))).toHaveLength(before.length);
    await spool.markPublished(6, new Date('2025-03-02T12:00:00.000Z'));
    expect((await fs.readdir(dir)).filter((name) => name.startsWith('segment-'))).toHaveLength(1);
    await spool.close();

    const reopened = await Spool.open({ dir });
    expect(reopened.pendingCount()).toBe(0);
    expect((await reopened.append(completed('CA6'))).seq).toBe(7);
    await reopened.close();
  });
});
