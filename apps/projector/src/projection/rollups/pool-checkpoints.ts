/**
 * Hourly checkpoints of pool_health's running sums.
 *
 * pool_windows holds, per 10-minute window, how much each count changes there,
 * and pool_health is their running sum: read as such, a week at the end of a
 * year sums the whole year first. `pool_checkpoints` keeps, per UTC hour, the
 * sum of every window before it, so a window's level is its hour's checkpoint
 * plus at most six windows, and a week reads ~1 000 windows through the index.
 *
 * They are kept by triggers on pool_windows, in the writer's transaction,
 * whatever statement writes the deltas (a projected batch, the backfill, a
 * rebuild), so the projector's write path knows nothing of them:
 * - before a statement: take the checkpoints' lock (held to commit: a
 *   checkpoint computed from the windows must not miss another batch's
 *   uncommitted deltas), then add checkpoints up to the newest window's hour,
 *   computed from the windows as they stand;
 * - after it: add what the statement changed in each window to every
 *   existing checkpoint after that window.
 * A window whose hour has no checkpoint yet (one later statement makes it)
 * sums from the closest checkpoint before it: a missing checkpoint costs
 * time, never a wrong figure.
 */
const LEVELS = ['sessions', 'displayed', 'locked', 'available', 'cooling'] as const;
const HOUR = (column: string) => `date_bin('1 hour', ${column}, TIMESTAMPTZ '2000-01-01 00:00:00+00')`;
const list = (f: (c: string) => string) => LEVELS.map(f).join(', ');

export const POOL_CHECKPOINTS_TABLE = `
CREATE TABLE pool_checkpoints (
  hour_start timestamptz PRIMARY KEY,
  ${list((c) => `${c} bigint NOT NULL`)})`;

/**
 * Checkpoints from the newest one (else the first window's hour) to the newest
 * window's hour, in one pass: each is the newest existing checkpoint plus the
 * windows between. `%1$I` is the schema (format()).
 */
export const extendCheckpoints = `
WITH base AS (
  SELECT * FROM %1$I.pool_checkpoints ORDER BY hour_start DESC LIMIT 1
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
INSERT INTO %1$I.pool_checkpoints (hour_start, ${list((c) => c)})
SELECT h, ${list((c) => c)} FROM running
WHERE h > COALESCE((SELECT hour_start FROM base), '-infinity')
ORDER BY h`;

/** What a statement changed, per hour of the windows it changed (`changes` is a query of window_start and LEVELS). */
const applyChanges = (changes: string) => `
UPDATE %1$I.pool_checkpoints c SET ${list((col) => `${col} = c.${col} + d.${col}`)}
FROM (
  SELECT later.hour_start, ${list((c) => `sum(ch.${c}) AS ${c}`)}
  FROM (SELECT ${HOUR('window_start')} AS h, ${list((c) => `sum(${c}) AS ${c}`)} FROM (${changes}) x GROUP BY 1) ch
  JOIN %1$I.pool_checkpoints later ON later.hour_start > ch.h
  GROUP BY later.hour_start
) d
WHERE c.hour_start = d.hour_start`;

const inserted = `SELECT window_start, ${list((c) => c)} FROM new_rows`;
const deleted = `SELECT window_start, ${list((c) => `-${c} AS ${c}`)} FROM old_rows`;
const updated = `SELECT n.window_start, ${list((c) => `n.${c} - o.${c} AS ${c}`)}
  FROM new_rows n JOIN old_rows o ON o.window_start = n.window_start`;

/** A SQL string literal of `sql` (for format() in plpgsql). */
export const literal = (sql: string) => `'${sql.replace(/'/g, "''")}'`;

export const checkpointTriggers = [
  `CREATE FUNCTION pool_checkpoints_before() RETURNS trigger LANGUAGE plpgsql AS $fn$
   BEGIN
     PERFORM pg_advisory_xact_lock(hashtextextended('callpool.pool_checkpoints:' || TG_TABLE_SCHEMA, 0));
     EXECUTE format(${literal(extendCheckpoints)}, TG_TABLE_SCHEMA);
     RETURN NULL;
   END $fn$`,
  `CREATE FUNCTION pool_checkpoints_after() RETURNS trigger LANGUAGE plpgsql AS $fn$
   BEGIN
     IF TG_OP = 'TRUNCATE' THEN
       EXECUTE format('DELETE FROM %1$I.pool_checkpoints', TG_TABLE_SCHEMA);
     ELSIF TG_OP = 'INSERT' THEN
       EXECUTE format(${literal(applyChanges(inserted))}, TG_TABLE_SCHEMA);
     ELSIF TG_OP = 'UPDATE' THEN
       EXECUTE format(${literal(applyChanges(updated))}, TG_TABLE_SCHEMA);
     ELSE
       EXECUTE format(${literal(applyChanges(deleted))}, TG_TABLE_SCHEMA);
     END IF;
     RETURN NULL;
   END $fn$`,
  `CREATE TRIGGER pool_checkpoints_lock BEFORE INSERT OR UPDATE OR DELETE ON pool_windows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_before()`,
  `CREATE TRIGGER pool_checkpoints_insert AFTER INSERT ON pool_windows REFERENCING NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_after()`,
  `CREATE TRIGGER pool_checkpoints_update AFTER UPDATE ON pool_windows REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_after()`,
  `CREATE TRIGGER pool_checkpoints_delete AFTER DELETE ON pool_windows REFERENCING OLD TABLE AS old_rows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_after()`,
  `CREATE TRIGGER pool_checkpoints_truncate AFTER TRUNCATE ON pool_windows
   FOR EACH STATEMENT EXECUTE FUNCTION pool_checkpoints_after()`,
];

/**
 * Same columns and meaning as before (migrations 1767000000002 and 0020):
 * each window's level is its hour's checkpoint (or the closest before it)
 * plus the windows since; a filter on window_start reaches the index.
 */
export const poolHealthFromCheckpoints = `
CREATE OR REPLACE VIEW pool_health AS
SELECT window_start, concurrent_sessions, displayed, locked, available, overflow_displays,
       CASE WHEN owned > 0 THEN round((displayed + locked)::numeric / owned, 4) ELSE 0 END AS utilisation,
       cooling, owned
FROM (
  SELECT w.window_start,
         ${LEVELS.map((c) => `(COALESCE(c.${c}, 0) + s.${c})::integer AS ${c === 'sessions' ? 'concurrent_sessions' : c}`).join(',\n         ')},
         w.overflow_displays::integer AS overflow_displays,
         (COALESCE(c.displayed + c.locked + c.available + c.cooling, 0)
          + s.displayed + s.locked + s.available + s.cooling)::integer AS owned
  FROM pool_windows w
  LEFT JOIN LATERAL (
    SELECT * FROM pool_checkpoints k WHERE k.hour_start <= w.window_start ORDER BY k.hour_start DESC LIMIT 1
  ) c ON true
  CROSS JOIN LATERAL (
    SELECT ${list((col) => `sum(p.${col}::integer) AS ${col}`)}
    FROM pool_windows p
    WHERE p.window_start >= COALESCE(c.hour_start, '-infinity') AND p.window_start <= w.window_start
  ) s
  WHERE w.window_start <= (SELECT max(window_start) FROM pool_windows WHERE anchors > 0)
) levels`;
