import { topicName } from '@callpool/contracts';
import { createKafka, EventConsumer } from '@callpool/kafka';

/** How much rest the budget bought: over the displays that handed out a previously held number. */
export interface CooldownAchieved {
  /** Displays that carried `cooledSeconds` (a holding started on a number used before). */
  reclaimed: number;
  meanSeconds: number | null;
  /** Reclaimed before their COOLDOWN_SECONDS target was over, when `targetSeconds` is given. */
  underTarget: number | null;
}

export interface KafkaSource {
  brokers: string[];
  topicPrefix: string;
}

/** Mean and count of `cooledSeconds` values; a value that is not a finite number is not one. */
export function summariseCooldown(values: readonly unknown[], targetSeconds?: number): CooldownAchieved {
  const seconds = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  const mean = seconds.length === 0 ? null : seconds.reduce((s, v) => s + v, 0) / seconds.length;
  return {
    reclaimed: seconds.length,
    meanSeconds: mean === null ? null : Math.round(mean),
    underTarget: targetSeconds === undefined ? null : seconds.filter((v) => v < targetSeconds).length,
  };
}

/**
 * Reads `NumberDisplayed.data.cooledSeconds` (CONTRACT.md v3) from the run's
 * own allocations topic, from the beginning to what was committed when it
 * started. Services that predate the field give `reclaimed: 0`.
 */
export async function readCooledSeconds(source: KafkaSource, runId: string): Promise<unknown[]> {
  const kafka = createKafka({ brokers: source.brokers, clientId: 'simulator', topicPrefix: source.topicPrefix });
  const values: unknown[] = [];
  const consumer = new EventConsumer(kafka, {
    groupId: `simulator-cooldown-${runId}-${Date.now().toString(36)}`,
    topics: [topicName('allocations', source.topicPrefix)],
    commitToGroup: false,
    handle: async ({ messages }) => {
      for (const { decoded } of messages)
        if (decoded.ok && decoded.event.type === 'NumberDisplayed')
          values.push((decoded.event.data as { cooledSeconds?: unknown }).cooledSeconds);
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await consumer.start();
  try {
    await Promise.race([
      consumer.whenCaughtUp(),
      new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error('reading cooledSeconds: timed out after 60 s')), 60_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
  return values.filter((v) => v !== undefined);
}
