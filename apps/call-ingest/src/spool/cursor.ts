import { promises as fs } from 'node:fs';
import { join } from 'node:path';

/**
 * How far the spool has been published to Kafka. Written to a temporary file
 * and renamed over the old one, so a crash leaves either the old or the new
 * position, never half of one. Behind is safe (events are re-sent with their
 * deterministic ids and consumers drop the duplicates); ahead would lose them.
 */
const CURSOR = 'published.json';

export async function readCursor(dir: string): Promise<number> {
  try {
    const { seq } = JSON.parse(await fs.readFile(join(dir, CURSOR), 'utf8')) as { seq: number };
    return Number.isInteger(seq) && seq >= 0 ? seq : 0;
  } catch (error) {
    // Missing, or torn by a crash (it is written without fsync): start from
    // the oldest retained record. Republishing is harmless — event ids are
    // derived from the CallSid and every consumer deduplicates by id.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || error instanceof SyntaxError) return 0;
    throw error;
  }
}

export async function writeCursor(dir: string, seq: number): Promise<void> {
  const temporary = join(dir, `${CURSOR}.tmp`);
  const handle = await fs.open(temporary, 'w');
  try {
    // No fsync: a cursor that lags only republishes (see readCursor), while an
    // fsync here, once per published batch, delayed the next call's spool fsync.
    await handle.writeFile(JSON.stringify({ seq }));
  } finally {
    await handle.close();
  }
  await fs.rename(temporary, join(dir, CURSOR));
}
