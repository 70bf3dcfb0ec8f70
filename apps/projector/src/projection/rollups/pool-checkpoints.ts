/**
 * Hourly checkpoints of pool_health's running sums.
 *
 * pool_windows holds, per 10-minute window, how much each count changes there,
 * and pool_health is their running sum: read as such, a week at the end of a
 * year sums the whole year first. Two small relations make any window's level
 * a lookup, so a week reads ~1 000 windows through the index and nothing else:
 * - `pool_checkpoints`, per UTC hour: the sum of every window before the hour;
 * - `pool_window_levels`, per window: the sum of its hour's windows up to and
 *   including it (and the window's own overflow displays, so pool_health reads
 *   this table and the checkpoints only).
 * level = checkpoint of the window's hour + the window's level within the hour.
 *
 * They are kept by triggers on pool_windows, in the writer's transaction,
 * whatever statement writes the deltas (a projected batch, the backfill, a
 * rebuild), so the projector's write path knows nothing of them:
 * - before a statement: take the checkpoints' lock, held to commit (they are
 *   computed from every batch's windows, so two batches take turns);
 * - after it: recompute, from pool_windows as it now stands, the in-hour
 *   levels of every hour the statement touched (at most six windows each) and
 *   the checkpoints from the first touched hour to the newest (in live
 *   projection one or two; a topic replayed late moves more).
 * Recomputing rather than adding deltas keeps them right whatever order the
 * INSERT and UPDATE triggers of an upsert fire in.
 */
const LEVELS = ['sessions', 'displayed', 'locked', 'available', 'cooling'] as const;
const HOUR = (column: string) => `date_bin('1 hour', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
const list = (f: (c: string) => string) => LEVELS.map(f).join(', ');

export const POOL_CHECKPOINT_TABLES = [
  `CREATE TABLE pool_checkpoints (hour_start timestamptz PRIMARY KEY, ${list((c) => `${c} bigint NOT NULL`)})`,
  `CREATE TABLE pool_window_levels (
     window_start timestamptz PRIMARY KEY, hour_start timestamptz NOT NULL, ${list((c) => `${c} bigint NOT NULL`)},
     overflow_displays bigint NOT NULL)`,
];

/** In-hour levels of every window in the hours of `changed` (a query of window_start). `%1$I` is the schema. */
export const recomputeLevels = (changed: string) => `
INSERT INTO %1$I.pool_window_levels AS t (window_start, hour_start, ${list((c) => c)}, overflow_displays)
SELECT w.window_start, ${HOUR('w.window_start')},
       ${list((c) => `sum(w.${c}) OVER (PARTITION BY ${HOUR('w.window_start')} ORDER BY w.window_start)`)},
       w.overflow_displays
FROM (SELECT DISTINCT ${HOUR('window_start')} AS h FROM (${changed}) x) touched
JOIN %1$I.pool_windows w ON w.window_start >= touched.h AND w.window_start < touched.h + interval '1 hour'
ORDER BY 1
ON CONFLICT (window_start) DO UPDATE SET ${list((c) => `${c} = excluded.${c}`)}, overflow_displays = excluded.overflow_displays
WHERE (${list((c) => `t.${c}`)}, t.overflow_displays) IS DISTINCT FROM (${list((c) => `excluded.${c}`)}, excluded.overflow_displays)`;

/**
 * Checkpoints from the closest one at or before the first hour in `changed`
 * (else the first window's hour) to the newest window's hour, in one pass.
 */
export const recomputeCheckpoints = (changed: string) => `
WITH base AS (
  SELECT * FROM %1$I.pool_checkpoints
  WHERE hour_start <= (SELECT min(${HOUR('window_start')}) FROM (${changed}) x)
  ORDER BY hour_start DESC LIMIT 1
), bounds AS (
  SELECT COALESCE((SELECT hour_start FROM base), ${HOUR('min(window_start)')}) AS first_h,
         ${HOUR('max(window_start)')} AS last_h
  FROM %1$I.pool_windows
), hourly AS (
  SELECT ${HOUR('w.window_start')} AS h, ${list((c) => `sum(w.${c}) AS ${c}`)}
  FROM %1$I.pool_windows w, bounds
  WHERE w.window_start >= bounds.first_h AND w.window_start < bounds.last_h
  GROUP BY 1
), running AS (
  SELECT hours.h, ${list((c) => `COALESCE((SELECT ${c} FROM base), 0) + COALESCE(sum(hourly.${c}) OVER before, 0) AS ${c}`)}
  FROM bounds CROSS JOIN LATERAL generate_series(bounds.first_h, bounds.last_h, interval '1 hour') AS hours(h)
  LEFT JOIN hourly ON hourly.h = hours.h
  WINDOW before AS (ORDER BY hours.h ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
)
INSERT INTO %1$I.pool_checkpoints AS t (hour_start, ${list((c) => c)})
SELECT h, ${list((c) => c)} FROM running ORDER BY h
ON CONFLICT (hour_start) DO UPDATE SET ${list((c) => `${c} = excluded.${c}`)}
WHERE (${list((c) => `t.${c}`)}) IS DISTINCT FROM (${list((c) => `excluded.${c}`)})`;

/** Everything from the windows alone (the migration, for a database projected before these relations). */
export const ALL_WINDOWS = 'SELECT window_start FROM %1$I.pool_windows';

/** A SQL string literal of `sql` (for format() in plpgsql). */
export const literal = (sql: string) => `'${sql.replace(/'/g, "''")}'`;

const recompute = (changed: string) =>
  [recomputeLevels(changed), recomputeCheckpoints(changed)]
    .map((sql) => `EXECUTE format(${literal(sql)}, TG_TABLE_SCHEMA);`)
    .join('\n');

export const checkpointTriggers = [
  `CREATE FUNCTION pool_checkpoints_lock() RETURNS trigger LANGUAGE plpgsql AS $fn$
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtextextended('callpool.pool_checkpoints:' || TG_TABLE_SCHEMA, 0));
     RETURN NULL;
   END $fn$`,
  `CREATE FUNCTION pool_checkpoints_recompute() RETURNS trigger LANGUAGE plpgsql AS $fn$
   BEGIN
     IF TG_OP = 'TRUNCATE' THEN
       EXECUTE format('DELETE FROM %1$I.pool_checkpoints', TG_TABLE_SCHEMA);
       EXECUTE format('DELETE FROM %1$I.pool_window_levels', TG_TABLE_SCHEMA);
     ELSIF TG_OP = 'DELETE' THEN
       EXECUTE format('DELETE FROM %1$I.pool_window_levels l USING old_rows o WHERE l.window_start = o.window_start',
                      TG_TABLE_SCHEMA);
       ${recompute('SELECT window_start FROM old_rows')}
     ELSE
       ${recompute('SELECT window_start FROM new_rows')}
     END IF;
     RETURN NULL;
   END $fn$`,
  `CREATE TRIGGER pool_checkpoints_lock BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON pool_windows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_lock()`,
  `CREATE TRIGGER pool_checkpoints_insert AFTER INSERT ON pool_windows REFERENCING NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_recompute()`,
  `CREATE TRIGGER pool_checkpoints_update AFTER UPDATE ON pool_windows REFERENCING NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_recompute()`,
  `CREATE TRIGGER pool_checkpoints_delete AFTER DELETE ON pool_windows REFERENCING OLD TABLE AS old_rows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_recompute()`,
  `CREATE TRIGGER pool_checkpoints_truncate AFTER TRUNCATE ON pool_windows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_recompute()`,
];

/**
 * Same columns and meaning as before (migrations 1767000000002 and 0020): each
 * window's level is its hour's checkpoint plus its level within the hour; a
 * filter on window_start reaches the index, and nothing outside it is read.
 */
export const poolHealthFromCheckpoints = `
CREATE OR REPLACE VIEW pool_health AS
SELECT window_start, concurrent_sessions, displayed, locked, available, overflow_displays,
       CASE WHEN owned > 0 THEN round((displayed + locked)::numeric / owned, 4) ELSE 0 END AS utilisation,
       cooling, owned
FROM (
  SELECT l.window_start,
         ${LEVELS.map((c) => `(c.${c} + l.${c})::integer AS ${c === 'sessions' ? 'concurrent_sessions' : c}`).join(',\n         ')},
         l.overflow_displays::integer AS overflow_displays,
         (c.displayed + c.locked + c.available + c.cooling + l.displayed + l.locked + l.available + l.cooling)::integer AS owned
  FROM pool_window_levels l
  JOIN pool_checkpoints c ON c.hour_start = l.hour_start
  WHERE l.window_start <= (SELECT max(window_start) FROM pool_windows WHERE anchors > 0)
) levels`;
