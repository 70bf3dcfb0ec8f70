import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '@callpool/clock';
import { CallpoolEvent } from '@callpool/contracts';
import { EventPublisher } from '@callpool/kafka';
import { Metrics } from '@callpool/service-kit';
import { CallJournal, HELD_RETRY_MS } from '../calls/call-journal';
import { Spool } from './spool';
import { RECREATE_AFTER_FAILURES, SpoolPublisher } from './spool-publisher';

/** What call-ingest does when its disk or its Kafka producer fails. */
describe('call-ingest faults', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'faults-'));
  });
  afterEach(() => fs.rm(dir, { recursive: true, force: true }));

  const received = {
    callSid: 'CA-held',
    trackingNumber: '+15550001111',
    caller: '+14155550123',
    startedAt: '2030-01-01T10:00:00.000Z',
    attribution: 'none' as const,
    confidence: 0,
    holderState: 'unknown' as const,
    visitorId: null,
    sessionId: null,
    listingId: null,
    dealerId: null,
    routedTo: '+15555550100',
  };

  it('holds a CallReceived the spool refused and appends it once the disk takes it again', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick'] });
    try {
      const spool = await Spool.open({ dir });
      const append = spool.append.bind(spool);
      let diskFull = 2;
      spool.append = (event: CallpoolEvent) =>
        diskFull-- > 0 ? Promise.reject(new Error('ENOSPC: no space left on device')) : append(event);
      const journal = new CallJournal(spool, new ManualClock(new Date('2030-01-01T10:00:00Z')), new Metrics());

      await expect(journal.record('CallReceived', received, new Date('2030-01-01T10:00:00Z'))).rejects.toThrow(
        /ENOSPC/,
      );
      expect(journal.heldCount()).toBe(1);
      await jest.advanceTimersByTimeAsync(HELD_RETRY_MS); // still full: stays held
      expect(journal.heldCount()).toBe(1);
      await jest.advanceTimersByTimeAsync(HELD_RETRY_MS);
      // The append is a real write and fsync: let the event loop finish it.
      for (let turn = 0; turn < 10_000 && journal.heldCount() > 0; turn++)
        await new Promise((resolve) => setImmediate(resolve));
      expect(journal.heldCount()).toBe(0);
      expect(spool.pending(10).map((r) => r.event.type)).toEqual(['CallReceived']);
      await spool.close();
    } finally {
      jest.useRealTimers();
    }
  });

  it('throws a failing producer away and publishes through a new one', async () => {
    const spool = await Spool.open({ dir });
    const journal = new CallJournal(spool, new ManualClock(), new Metrics());
    await journal.record('CallReceived', received, new Date('2030-01-01T10:00:00Z'));
    const made: string[] = [];
    const published: string[][] = [];
    // The first producer stays wedged, as a kafkajs producer can after its broker went away.
    const producer = (n: number) =>
      ({
        connect: async () => undefined,
        disconnect: async () => undefined,
        publish: async ({ events }: { events: CallpoolEvent[] }) => {
          if (n === 1) throw new Error('The producer is disconnected');
          published.push(events.map((e) => e.id));
        },
      }) as unknown as EventPublisher;
    const publisher = new SpoolPublisher(spool, () => producer(made.push('producer')), {
      topic: 'calls',
      retainSeconds: 60,
      now: () => new Date(),
    });
    publisher.start();
    const deadline = Date.now() + 4000;
    while (spool.pendingCount() > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await publisher.stop();
    expect(made.length).toBe(2);
    expect(publisher.status()).toMatchObject({ pending: 0, producersRecreated: 1 });
    // The wedged producer was tried RECREATE_AFTER_FAILURES times, then the new one published the event once.
    expect(published).toHaveLength(1);
    expect(published[0]).toHaveLength(1);
    expect(RECREATE_AFTER_FAILURES).toBe(3);
    await spool.close();
  });
});
