import { CallOutcome, MenuChoice } from '../runner/truth';
import { ProjectedCall } from './projection';

/** How the caller menu went for the calls placed through tracking numbers. */
export interface MenuSummary {
  /** Calls that heard the menu, and their share of all calls placed. */
  heard: number;
  share: number;
  choices: Record<MenuChoice, number>;
  /** Mean number of listings a menu offered. */
  meanOptions: number;
}

export function menuSummary(calls: readonly CallOutcome[]): MenuSummary {
  const choices: Record<MenuChoice, number> = { right: 0, wrong: 0, none: 0, 'not-offered': 0 };
  let options = 0;
  const heard = calls.filter((c) => c.menu);
  for (const call of heard) {
    choices[call.menu!.choice]++;
    options += call.menu!.options;
  }
  const ratio = (n: number, of: number) => (of === 0 ? 0 : Math.round((n / of) * 10000) / 10000);
  return {
    heard: heard.length,
    share: ratio(heard.length, calls.length),
    choices,
    meanOptions: ratio(options, heard.length),
  };
}

/** The run's placed calls by `calls.resolved_by` (CONTRACT.md v3); `unknown` where the projector has no such column. */
export function resolvedByCounts(
  placed: readonly string[],
  projected: ReadonlyMap<string, ProjectedCall>,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const callSid of placed) {
    const row = projected.get(callSid);
    if (!row) continue;
    const how = row.resolved_by ?? 'unknown';
    counts[how] = (counts[how] ?? 0) + 1;
  }
  return counts;
}
