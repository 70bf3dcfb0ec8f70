import { Db } from './sql';

/**
 * Event ids are kept to recognise redeliveries (the same event at another
 * offset: call-ingest republishing its spool after a Kafka outage, a producer
 * retry). Those arrive within minutes or hours of the original, so ids older
 * than the horizon are dropped instead of growing the table by one row per
 * event forever. The horizon counts back from the newest projected event, not
 * from now(): a manual clock, a replay or a rebuild trims exactly the same.
 * Consumed offsets still live in the same transaction as the rows, so nothing
 * the projector itself re-reads is affected: only a duplicate published more
 * than the horizon after its original would be counted twice.
 */
export async function trimProcessedEvents(db: Db, horizonDays: number): Promise<number> {
  const result = await db.query(
    `DELETE FROM processed_events
     WHERE occurred_at < (SELECT max(occurred_at) FROM processed_events) - make_interval(days => $1::int)`,
    [horizonDays],
  );
  return result.rowCount ?? 0;
}
