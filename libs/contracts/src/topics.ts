/**
 * Topic names. Every service prefixes them with CALLPOOL_TOPIC_PREFIX so test
 * suites (and side-by-side environments) never read or fence each other.
 */
export const TOPICS = {
  allocations: 'callpool.allocations',
  calls: 'callpool.calls',
  webEvents: 'callpool.web-events',
} as const;

export type TopicKey = keyof typeof TOPICS;

export function topicName(key: TopicKey, prefix = ''): string {
  return `${prefix}${TOPICS[key]}`;
}

export function allTopicNames(prefix = ''): string[] {
  return (Object.keys(TOPICS) as TopicKey[]).map((key) => topicName(key, prefix));
}
