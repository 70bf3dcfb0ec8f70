import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { CallpoolEvent } from '@callpool/contracts';
import { listSegments, readSegment, Segment, segmentName } from './segment-files';
import { readCursor, writeCursor } from './cursor';

export interface SpoolRecord {
  seq: number;
  event: CallpoolEvent;
}

export interface SpoolOptions {
  dir: string;
  /** A new segment starts past this size, so published ones can be deleted whole. */
  segmentBytes?: number;
}

interface Waiting {
  line: string;
  record: SpoolRecord;
  settle: (error?: Error) => void;
}

/**
 * The durable local log of every call event, written before (and regardless of
 * whether) Kafka hears about it. Appends made while one fsync runs go out
 * together in the next (group commit), so an append costs one fsync shared by
 * everyone waiting. A cursor file says how far the publisher got; a restart
 * resumes after it.
 */
export class Spool {
  private readonly queue: Waiting[] = [];
  private flushing = false;
  private readonly unpublished: SpoolRecord[] = [];
  private readonly listeners = new Set<() => void>();
  private closed = false;

  private constructor(
    private readonly dir: string,
    private readonly segmentBytes: number,
    private segments: Segment[],
    private active: fs.FileHandle,
    private activeSize: number,
    private lastSeq: number,
    private publishedSeq: number,
    private recovered: SpoolRecord[],
    /** Lines that could not be read back (disk damage); logged at start. */
    readonly unreadableLines: number,
  ) {
    this.unpublished.push(...recovered.filter((r) => r.seq > publishedSeq));
  }

  /** Every record still on disk at open, published or not, once: the call ledger rebuilds from it. */
  takeRecovered(): SpoolRecord[] {
    const recovered = this.recovered;
    this.recovered = [];
    return recovered;
  }

  static async open({ dir, segmentBytes = 4 * 1024 * 1024 }: SpoolOptions): Promise<Spool> {
    await fs.mkdir(dir, { recursive: true });
    const publishedSeq = await readCursor(dir);
    const segments = await listSegments(dir);
    const recovered: SpoolRecord[] = [];
    let unreadable = 0;
    for (const segment of segments) {
      const { records, unreadableLines } = await readSegment(dir, segment);
      recovered.push(...records);
      unreadable += unreadableLines;
    }
    const lastSeq = Math.max(publishedSeq, recovered.at(-1)?.seq ?? 0);
    if (segments.length === 0) segments.push({ firstSeq: lastSeq + 1, lastSeq, newestAt: null });
    const current = segments[segments.length - 1];
    const active = await fs.open(join(dir, segmentName(current.firstSeq)), 'a');
    const { size } = await active.stat();
    return new Spool(dir, segmentBytes, segments, active, size, lastSeq, publishedSeq, recovered, unreadable);
  }

  /** Resolves once the event is on disk (fsync'd). */
  append(event: CallpoolEvent): Promise<SpoolRecord> {
    if (this.closed) return Promise.reject(new Error('spool is closed'));
    const record = { seq: ++this.lastSeq, event };
    return new Promise((resolve, reject) => {
      const settle = (error?: Error) => (error ? reject(error) : resolve(record));
      this.queue.push({ line: `${JSON.stringify(record)}\n`, record, settle });
      if (!this.flushing) void this.flush();
    });
  }

  /** The oldest records not yet published, in order. */
  pending(limit: number): SpoolRecord[] {
    return this.unpublished.slice(0, limit);
  }

  pendingCount(): number {
    return this.unpublished.length;
  }

  /** Called whenever new records become durable (the publisher wakes up). */
  onAppended(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Everything up to `seq` is on Kafka; segments older than `retainAfter` and fully published are deleted. */
  async markPublished(seq: number, retainAfter?: Date): Promise<void> {
    if (seq <= this.publishedSeq) return;
    await writeCursor(this.dir, seq);
    this.publishedSeq = seq;
    while (this.unpublished.length > 0 && this.unpublished[0].seq <= seq) this.unpublished.shift();
    if (retainAfter) await this.prune(retainAfter);
  }

  async close(): Promise<void> {
    this.closed = true;
    while (this.flushing) await new Promise((resolve) => setTimeout(resolve, 2));
    await this.active.close();
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.queue.length > 0) {
        const group = this.queue.splice(0, this.queue.length);
        try {
          await this.writeGroup(group);
          for (const waiting of group) waiting.settle();
          this.unpublished.push(...group.map((w) => w.record));
          for (const listener of this.listeners) listener();
        } catch (error) {
          for (const waiting of group) waiting.settle(error as Error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private async writeGroup(group: Waiting[]): Promise<void> {
    const bytes = Buffer.from(group.map((w) => w.line).join(''));
    await this.active.write(bytes);
    await this.active.sync();
    this.activeSize += bytes.length;
    const current = this.segments[this.segments.length - 1];
    current.lastSeq = group[group.length - 1].record.seq;
    current.newestAt = group[group.length - 1].record.event.occurredAt;
    if (this.activeSize >= this.segmentBytes) await this.rotate();
  }

  private async rotate(): Promise<void> {
    const firstSeq = this.segments[this.segments.length - 1].lastSeq + 1;
    const next = await fs.open(join(this.dir, segmentName(firstSeq)), 'a');
    await this.active.close();
    this.active = next;
    this.activeSize = 0;
    this.segments.push({ firstSeq, lastSeq: firstSeq - 1, newestAt: null });
  }

  private async prune(retainAfter: Date): Promise<void> {
    const cutoff = retainAfter.toISOString();
    while (this.segments.length > 1) {
      const oldest = this.segments[0];
      if (oldest.lastSeq > this.publishedSeq || (oldest.newestAt !== null && oldest.newestAt >= cutoff)) return;
      await fs.rm(join(this.dir, segmentName(oldest.firstSeq)), { force: true });
      this.segments.shift();
    }
  }
}
