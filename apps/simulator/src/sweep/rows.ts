import { AttributionRow } from '../report/attribution';
import { Lateness, LATENESS } from '../report/lateness';
import { SimulationReport } from '../report/report';

/** A share with the counts it came from. */
export interface Share {
  right: number;
  of: number;
  share: number | null;
}

const shareOf = (right: number, of: number): Share => ({
  right,
  of,
  share: of === 0 ? null : Math.round((right / of) * 10000) / 10000,
});
const rightOf = (row: AttributionRow) => shareOf(row.rightVisitor, row.calls);
const rightDealerOf = (row: AttributionRow) => shareOf(row.calls - row.wrongDealer - row.mainLine, row.calls);

/** One row of the POOL_MAX sweep (issue 11): what a budget buys. */
export interface SweepRow {
  factor: number;
  poolMax: number;
  overflow: number;
  overflowAfterFirstMinute: number;
  overflowWhileCooling: number;
  inSession: Share;
  poolTwo: Share;
  afterSession: Record<Lateness, Share>;
  wrongDealer: Share;
  peakOwned: number;
  peakOwnedVsRule: number | null;
  meanCooldownSeconds: number | null;
  /** Numbers handed out again, and how many of them before their cool-down target (NumberDisplayed.reclaimed). */
  reused: number | null;
  reusedBeforeTarget: number | null;
  peakWanted: number | null;
}

export function sweepRow(
  report: SimulationReport,
  run: { factor: number; poolMax: number; ruleNumbers: number },
): SweepRow {
  const { pool, attribution } = report;
  return {
    factor: run.factor,
    poolMax: run.poolMax,
    overflow: pool.overflowDisplays,
    overflowAfterFirstMinute: pool.overflowAfterFirstMinute,
    overflowWhileCooling: pool.overflowWhileCooling,
    inSession: rightOf(attribution['in-session']),
    poolTwo: rightOf(attribution['pool-2']),
    afterSession: afterSession(report),
    wrongDealer: shareOf(attribution.all.wrongDealer, attribution.all.calls),
    peakOwned: pool.peakOwned,
    peakOwnedVsRule: run.ruleNumbers === 0 ? null : Math.round((pool.peakOwned / run.ruleNumbers) * 100) / 100,
    meanCooldownSeconds: pool.cooldown?.meanSeconds ?? null,
    reused: pool.cooldown?.reused ?? null,
    reusedBeforeTarget: pool.cooldown?.beforeTarget ?? null,
    peakWanted: pool.peakWanted,
  };
}

/** One row of the caller-menu comparison (issue 12): the same pool with CALLER_MENU on and off. */
export interface MenuRow {
  callerMenu: 'on' | 'off';
  poolMax: number;
  afterSession: Record<Lateness, Share>;
  /** After-session calls within the hour that rang their dealer's phone (right visitor or not). */
  withinHourRightDealer: Share;
  wrongDealer: Share;
  heardMenu: Share;
  callerId: number;
  choices: SimulationReport['menu']['choices'];
  resolvedBy: Record<string, number>;
}

export function menuRow(report: SimulationReport, run: { callerMenu: 'on' | 'off'; poolMax: number }): MenuRow {
  return {
    ...run,
    afterSession: afterSession(report),
    withinHourRightDealer: rightDealerOf(report.attributionByLateness['within-1h']),
    wrongDealer: shareOf(report.attribution.all.wrongDealer, report.attribution.all.calls),
    heardMenu: shareOf(report.menu.heard, report.calls.placed),
    callerId: report.resolvedBy.caller_id ?? 0,
    choices: report.menu.choices,
    resolvedBy: report.resolvedBy,
  };
}

function afterSession(report: SimulationReport): Record<Lateness, Share> {
  return Object.fromEntries(LATENESS.map((l) => [l, rightOf(report.attributionByLateness[l])])) as Record<
    Lateness,
    Share
  >;
}
