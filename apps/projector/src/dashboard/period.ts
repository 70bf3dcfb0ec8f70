import { z } from 'zod';
import { parseInput } from '@callpool/service-kit';

const instant = z
  .string()
  .refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO-8601 time, e.g. 2030-01-01T10:00:00Z')
  .optional();

/** `?from=&to=` of the dashboard and its exports: both optional, from before to, at most 92 days apart. */
export const PeriodQuery = z
  .object({ from: instant, to: instant })
  .refine((p) => !p.from || !p.to || Date.parse(p.from) < Date.parse(p.to), {
    message: 'from must be before to',
    path: ['from'],
  })
  .refine((p) => !p.from || !p.to || Date.parse(p.to) - Date.parse(p.from) <= 92 * 86_400_000, {
    message: 'at most 92 days',
    path: ['to'],
  });

export interface Period {
  from: Date;
  to: Date;
}

export function parsePeriodQuery(query: unknown): { from?: string; to?: string } {
  return parseInput(PeriodQuery, query ?? {}, 'query');
}

/**
 * The period shown when none is asked for: the day before the newest data, not
 * before now(), so a simulated day (manual clock, any date) shows up as it is.
 */
export function resolvePeriod(asked: { from?: string; to?: string }, newest: Date | null): Period {
  const to = asked.to ? new Date(asked.to) : new Date((newest ?? new Date()).getTime() + 1000);
  const from = asked.from ? new Date(asked.from) : new Date(to.getTime() - 86_400_000);
  return { from, to };
}
