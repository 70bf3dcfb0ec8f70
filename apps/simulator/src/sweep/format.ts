import { MenuRow, Share, SweepRow } from './rows';
import { SeedRule } from './rule';

const pct = (s: Share) => (s.share === null ? `- (0)` : `${(s.share * 100).toFixed(1)}% (${s.right}/${s.of})`);
const minutes = (seconds: number | null) => (seconds === null ? 'n/a' : `${(seconds / 60).toFixed(1)} min`);
const orNa = (n: number | null) => (n === null ? 'n/a' : String(n));

/** A plain-text table: a header, a rule line, one line per row, every column as wide as its widest cell. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function describeRule(rule: SeedRule): string {
  const at = rule.busiestAfterMinutes === null ? '' : `, ${rule.busiestAfterMinutes} min into the run`;
  return `seed rule: ${rule.visitors} visitors in the busiest 10-minute window${at} × ${rule.listingsPerSession} = ${rule.numbers} numbers`;
}

export function formatSweep(rule: SeedRule, rows: readonly SweepRow[]): string {
  const header = [
    'POOL_MAX',
    'overflow',
    'after 1st min',
    'while cooling',
    'in-session right',
    'Pool 2 right',
    'after ≤1 h right',
    'after 1–6 h right',
    'after later right',
    'wrong dealer (all)',
    'peak owned / rule',
    'cool-down achieved',
    'reused (before target)',
    'peak wanted',
  ];
  const cells = rows.map((r) => [
    `${r.factor}× = ${r.poolMax}`,
    String(r.overflow),
    String(r.overflowAfterFirstMinute),
    String(r.overflowWhileCooling),
    pct(r.inSession),
    pct(r.poolTwo),
    pct(r.afterSession['within-1h']),
    pct(r.afterSession['1-6h']),
    pct(r.afterSession.later),
    pct(r.wrongDealer),
    r.peakOwnedVsRule === null ? 'n/a' : `${r.peakOwnedVsRule}× (${r.peakOwned})`,
    minutes(r.meanCooldownSeconds),
    r.reused === null ? 'n/a' : `${r.reused} (${r.reusedBeforeTarget})`,
    orNa(r.peakWanted),
  ]);
  return `${describeRule(rule)}\n\n${table(header, cells)}`;
}

export function formatMenuCompare(rule: SeedRule, rows: readonly MenuRow[]): string {
  const header = [
    'CALLER_MENU',
    'POOL_MAX',
    'after ≤1 h right',
    'after 1–6 h right',
    'after later right',
    'after ≤1 h right dealer',
    'wrong dealer (all)',
    'heard the menu',
    'caller ID',
    'pressed right / wrong / nothing / not offered',
  ];
  const cells = rows.map((r) => [
    r.callerMenu,
    String(r.poolMax),
    pct(r.afterSession['within-1h']),
    pct(r.afterSession['1-6h']),
    pct(r.afterSession.later),
    pct(r.withinHourRightDealer),
    pct(r.wrongDealer),
    pct(r.heardMenu),
    String(r.callerId),
    `${r.choices.right} / ${r.choices.wrong} / ${r.choices.none} / ${r.choices['not-offered']}`,
  ]);
  const resolved = rows.map(
    (r) =>
      `resolved_by with the menu ${r.callerMenu}: ${Object.entries(r.resolvedBy)
        .map(([how, n]) => `${how} ${n}`)
        .join(', ')}`,
  );
  return [describeRule(rule), '', table(header, cells), '', ...resolved].join('\n');
}
