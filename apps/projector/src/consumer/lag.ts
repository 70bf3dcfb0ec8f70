import { Admin } from 'kafkajs';
import { lastStableOffsets } from '@callpool/kafka';
import { Positions } from './positions';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** The last stable offset: everything committed to the partition so far. */
  end: bigint;
  position: bigint;
  lag: bigint;
}

/** How far the projection is behind the committed end of each partition, in messages (markers included). */
export async function projectionLag(admin: Admin, topics: string[], positions: Positions): Promise<PartitionLag[]> {
  const lags: PartitionLag[] = [];
  for (const topic of topics) {
    for (const [partition, end] of await lastStableOffsets(admin, topic)) {
      const position = positions.get(topic, partition);
      lags.push({ topic, partition, end, position, lag: end > position ? end - position : 0n });
    }
  }
  return lags;
}
