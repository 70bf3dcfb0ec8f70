/**
 * Where the projection stands in each partition (the next offset to project),
 * for lag and catch-up. Besides committed batches, a fetch that carried only
 * transaction markers moves it on: kafkajs never hands those to eachBatch, and
 * without this a partition ending in a commit marker would show a lag of one
 * forever.
 */
export class Positions {
  private readonly next = new Map<string, { topic: string; partition: number; offset: bigint }>();

  reset(stored: { topic: string; partition: number; offset: bigint }[]): void {
    this.next.clear();
    for (const entry of stored) this.next.set(key(entry.topic, entry.partition), { ...entry });
  }

  committed(topic: string, partition: number, offset: bigint): void {
    const current = this.next.get(key(topic, partition));
    if (!current || current.offset < offset) this.next.set(key(topic, partition), { topic, partition, offset });
  }

  passedMarkers(batch: { topic: string; partition: number; firstOffset: string | null; lastOffset: string }): void {
    const current = this.get(batch.topic, batch.partition);
    if (batch.firstOffset !== null && BigInt(batch.firstOffset) <= current)
      this.committed(batch.topic, batch.partition, BigInt(batch.lastOffset) + 1n);
  }

  get(topic: string, partition: number): bigint {
    return this.next.get(key(topic, partition))?.offset ?? 0n;
  }
}

function key(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}
