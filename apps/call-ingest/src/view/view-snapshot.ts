import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { NumberRecord } from '@callpool/pool-domain';
import type { HolderView, ListingRoute } from '../attribution/holder-view';

/**
 * The number→holder view on local disk beside the spool: a restart while
 * Kafka is unreachable routes calls from it instead of from nothing. It is
 * never the source of truth: once Kafka answers, a full replay replaces it.
 */
interface SnapshotFile {
  /** 2: numbers as the shared lifecycle's records, and callers (v3); a version-1 file is ignored (Kafka replays). */
  version: 2;
  /** The allocations topic it was folded from: another prefix's snapshot is not ours. */
  topic: string;
  takenAt: string;
  newestEventAt: string | null;
  numbers: [string, NumberRecord][];
  listings: [string, ListingRoute][];
  /** Hashed caller numbers only: the snapshot on disk holds no phone number of a caller. */
  callers: [string, string[]][];
}

const FILE = 'view-snapshot.json';

export async function writeSnapshot(dir: string, topic: string, view: HolderView, takenAt: Date): Promise<void> {
  const file: SnapshotFile = {
    version: 2,
    topic,
    takenAt: takenAt.toISOString(),
    newestEventAt: view.newestEventAt,
    numbers: [...view.numbers],
    listings: [...view.listings],
    callers: [...view.callers],
  };
  await fs.mkdir(dir, { recursive: true });
  const temporary = join(dir, `${FILE}.tmp`);
  const handle = await fs.open(temporary, 'w');
  try {
    await handle.writeFile(JSON.stringify(file));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, join(dir, FILE));
}

/** The snapshot, or null when there is none (or it is of another topic, or unreadable). */
export async function readSnapshot(dir: string, topic: string): Promise<HolderView | null> {
  let file: SnapshotFile;
  try {
    file = JSON.parse(await fs.readFile(join(dir, FILE), 'utf8')) as SnapshotFile;
  } catch {
    return null;
  }
  if (file.version !== 2 || file.topic !== topic) return null;
  return {
    numbers: new Map(file.numbers),
    listings: new Map(file.listings),
    callers: new Map(file.callers),
    newestEventAt: file.newestEventAt,
  };
}
