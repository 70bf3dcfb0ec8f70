export interface ProjectorBenchResult {
  events: number;
  eventTypes: Record<string, number>;
  rows: number;
  batchSize: number;
  copy: { seconds: number; eventsPerSecond: number };
  projector: { seconds: number; eventsPerSecond: number };
}
