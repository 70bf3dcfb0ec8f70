import { topicName } from '@callpool/contracts';
import { createKafka, EventConsumer } from '@callpool/kafka';

/** How much rest the budget bought, over the displays that handed out a number held before. */
export interface CooldownAchieved {
  /** Displays that carried `cooledSeconds` (a holding started on a number used before). */
  reused: number;
  meanSeconds: number | null;
  /** Of those, handed out while still cooling, before their COOLDOWN_SECONDS target (`reclaimed: true`). */
  beforeTarget: number;
}

/** What a NumberDisplayed event says about the rest its number had; read defensively (older services say nothing). */
export interface Rest {
  cooledSeconds?: unknown;
  reclaimed?: unknown;
}

export interface KafkaSource {
  brokers: string[];
  topicPrefix: string;
}

export function summariseCooldown(rests: readonly Rest[]): CooldownAchieved {
  const timed = rests.filter((r) => typeof r.cooledSeconds === 'number' && Number.isFinite(r.cooledSeconds));
  const total = timed.reduce((s, r) => s + (r.cooledSeconds as number), 0);
  return {
    reused: timed.length,
    meanSeconds: timed.length === 0 ? null : Math.round(total / timed.length),
    beforeTarget: rests.filter((r) => r.reclaimed === true).length,
  };
}

/**
 * Reads `NumberDisplayed.data.cooledSeconds` and `reclaimed` (CONTRACT.md v3)
 * from the run's own allocations topic, from the beginning to what was
 * committed when it started.
 */
export async function readRests(source: KafkaSource, runId: string): Promise<Rest[]> {
  const kafka = createKafka({ brokers: source.brokers, clientId: 'simulator', topicPrefix: source.topicPrefix });
  const rests: Rest[] = [];
  const consumer = new EventConsumer(kafka, {
    groupId: `simulator-cooldown-${runId}-${Date.now().toString(36)}`,
    topics: [topicName('allocations', source.topicPrefix)],
    commitToGroup: false,
    handle: async ({ messages }) => {
      for (const { decoded } of messages)
        if (decoded.ok && decoded.event.type === 'NumberDisplayed') {
          const { cooledSeconds, reclaimed } = decoded.event.data as Rest;
          if (cooledSeconds !== undefined || reclaimed !== undefined) rests.push({ cooledSeconds, reclaimed });
        }
    },
  });
  let timer: NodeJS.Timeout | undefined;
  await consumer.start();
  try {
    await Promise.race([
      consumer.whenCaughtUp(),
      new Promise((_, fail) => {
        timer = setTimeout(() => fail(new Error('reading NumberDisplayed events: timed out after 60 s')), 60_000);
      }),
    ]);
  } finally {
    clearTimeout(timer);
    await consumer.stop();
  }
  return rests;
}
