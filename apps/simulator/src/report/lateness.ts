/** How long after the session that showed the number ended a late call came: the sweep's after-session columns. */
export type Lateness = 'within-1h' | '1-6h' | 'later';

export const LATENESS: readonly Lateness[] = ['within-1h', '1-6h', 'later'];

const HOUR = 3_600_000;

/** A call exactly one (six) hours after the session ended still counts as within the hour (1–6 h). */
export function latenessOf(lateMs: number): Lateness {
  if (lateMs <= HOUR) return 'within-1h';
  if (lateMs <= 6 * HOUR) return '1-6h';
  return 'later';
}
