import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { SpoolRecord } from './spool';

/** One append-only file of the spool, named after the first sequence number it holds. */
export interface Segment {
  firstSeq: number;
  lastSeq: number;
  /** occurredAt of its newest event: a published segment is kept until this is old enough. */
  newestAt: string | null;
}

const PATTERN = /^segment-(\d{12})\.log$/;

export function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(12, '0')}.log`;
}

export async function listSegments(dir: string): Promise<Segment[]> {
  const names = (await fs.readdir(dir)).filter((name) => PATTERN.test(name)).sort();
  return names.map((name) => {
    const firstSeq = Number(PATTERN.exec(name)![1]);
    return { firstSeq, lastSeq: firstSeq - 1, newestAt: null };
  });
}

/**
 * Reads a segment's records and fills in its last sequence number. A crash
 * mid-write leaves a last line without its newline: that record was never
 * acknowledged (its fsync had not returned), so it is cut off the file.
 */
export async function readSegment(
  dir: string,
  segment: Segment,
): Promise<{ records: SpoolRecord[]; unreadableLines: number }> {
  const path = join(dir, segmentName(segment.firstSeq));
  const text = await fs.readFile(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1);
  if (complete.length < text.length) await fs.truncate(path, Buffer.byteLength(complete));
  const records: SpoolRecord[] = [];
  let unreadableLines = 0;
  for (const line of complete.split('\n')) {
    if (line === '') continue;
    const record = parseRecord(line);
    // A damaged line loses one event; refusing to start would lose every call after it.
    if (!record) {
      unreadableLines++;
      continue;
    }
    records.push(record);
    segment.lastSeq = record.seq;
    segment.newestAt = record.event.occurredAt;
  }
  return { records, unreadableLines };
}

function parseRecord(line: string): SpoolRecord | null {
  try {
    const record = JSON.parse(line) as SpoolRecord;
    return Number.isInteger(record.seq) && typeof record.event?.occurredAt === 'string' ? record : null;
  } catch {
    return null;
  }
}
