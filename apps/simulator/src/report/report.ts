import { busiestWindows, summarise, Traffic, WindowCount } from '../model';
import { PoolSample } from '../runner/replay';
import { Truth } from '../runner/truth';
import { Anomaly, AttributionTable, LatenessTable, TimingTable } from './attribution';
import { CooldownAchieved } from './cooldown';
import { menuSummary, MenuSummary } from './menu';
import { ProjectedPool } from './projection';

export interface SimulationReport {
  seed: string;
  runId: string;
  simulated: { from: string; to: string; days: number };
  traffic: {
    visitors: number;
    sessions: number;
    returningSessions: number;
    pageViews: number;
    meanSessionMinutes: number;
    listingsPerSession: number;
    listings: number;
    premiumListings: number;
    listingsSold: number;
  };
  displays: {
    total: number;
    session: number;
    locked: number;
    listing: number;
    overflow: number;
    refusedSold: number;
    projected: number;
  };
  calls: {
    planned: number;
    placed: number;
    onDealerLine: number;
    withoutNumber: number;
    afterRunEnd: number;
    projected: number;
    duplicates: number;
    countedOnce: boolean;
  };
  attribution: AttributionTable;
  /** Visitor-level calls by the model's timing (during the session, soon after, hours, days later, repeats). */
  attributionByTiming: TimingTable;
  /** After-session calls by how long after the session ended they came (within the hour, 1–6 h, later). */
  attributionByLateness: LatenessTable;
  /** The caller menu (CONTRACT.md v3): how many calls heard it and what the callers pressed. */
  menu: MenuSummary;
  /** Placed calls by `calls.resolved_by` (`caller_id`: recognised by caller ID). */
  resolvedBy: Record<string, number>;
  /** In-session and Pool 2 calls not put down to their caller (at most 20), for diagnosis. */
  anomalies: Anomaly[];
  pool: {
    rule: { windowStart: string | null; visitors: number; listingsPerSession: number; numbers: number };
    peakOwned: number;
    peakHeld: number;
    peakPoolOne: number;
    peakTarget: number;
    atBusiestWindow: Omit<PoolSample, 'at'> | null;
    peakOwnedVsRule: number;
    overflowDisplays: number;
    /** Overflow answers after the first simulated minute (the pool starts empty). */
    overflowAfterFirstMinute: number;
    /** Overflow answers after which GET /v1/pool still reported cooling numbers. */
    overflowWhileCooling: number;
    /** Peak `wanted` of GET /v1/pool: numbers the replenisher wanted beyond POOL_MAX (null: the field is absent). */
    peakWanted: number | null;
    /** `NumberDisplayed.data.cooledSeconds` over the run (null when the events could not be read). */
    cooldown: CooldownAchieved | null;
    numbersBought: number;
    numbersReleased: number;
    projected: ProjectedPool;
  };
}

export interface ReportInputs {
  seed: string;
  runId: string;
  traffic: Traffic;
  truth: Truth;
  samples: readonly PoolSample[];
  attribution: { byCategory: AttributionTable; byTiming: TimingTable; byLateness: LatenessTable; anomalies: Anomaly[] };
  resolvedBy: Record<string, number>;
  cooldown: CooldownAchieved | null;
  projectedCalls: number;
  duplicateCalls: number;
  projectedPool: ProjectedPool;
  ruleListingsPerSession: number;
}

export function buildReport(inputs: ReportInputs): SimulationReport {
  const { traffic, truth, samples, projectedPool: projected } = inputs;
  const summary = summarise(traffic);
  const [busiest] = busiestWindows(traffic.actions, 1) as Array<WindowCount | undefined>;
  const ruleNumbers = Math.ceil((busiest?.visitors ?? 0) * inputs.ruleListingsPerSession);
  const max = (pick: (s: PoolSample) => number) => samples.reduce((m, s) => Math.max(m, pick(s)), 0);
  const inBusiest = busiest
    ? samples.filter((s) => s.at >= busiest.windowStart && s.at < busiest.windowStart + 600_000).at(-1)
    : undefined;
  const peakOwned = max((s) => s.total);
  const placed = truth.calls.length;
  return {
    seed: inputs.seed,
    runId: inputs.runId,
    simulated: {
      from: new Date(traffic.startMs).toISOString(),
      to: new Date(traffic.endMs).toISOString(),
      days: (traffic.endMs - traffic.startMs) / 86_400_000,
    },
    traffic: {
      visitors: summary.visitors,
      sessions: summary.sessions,
      returningSessions: summary.returningSessions,
      pageViews: truth.counts.pageViews,
      meanSessionMinutes: summary.meanSessionMinutes,
      listingsPerSession: summary.listingsPerSession,
      listings: traffic.listings.length,
      premiumListings: traffic.listings.filter((l) => l.tier === 'premium').length,
      listingsSold: truth.counts.sales,
    },
    displays: {
      total: truth.counts.displays,
      ...truth.displaysByPool,
      refusedSold: truth.counts.refused,
      projected: projected.displays,
    },
    calls: {
      planned: summary.calls,
      placed,
      onDealerLine: truth.counts.callsOnDealerLine,
      withoutNumber: truth.counts.callsWithoutNumber,
      afterRunEnd: summary.callsAfterEnd,
      projected: inputs.projectedCalls,
      duplicates: inputs.duplicateCalls,
      countedOnce: inputs.projectedCalls === placed && inputs.duplicateCalls === 0,
    },
    attribution: inputs.attribution.byCategory,
    attributionByTiming: inputs.attribution.byTiming,
    attributionByLateness: inputs.attribution.byLateness,
    menu: menuSummary(truth.calls),
    resolvedBy: inputs.resolvedBy,
    anomalies: inputs.attribution.anomalies,
    pool: {
      rule: {
        windowStart: busiest ? new Date(busiest.windowStart).toISOString() : null,
        visitors: busiest?.visitors ?? 0,
        listingsPerSession: inputs.ruleListingsPerSession,
        numbers: ruleNumbers,
      },
      peakOwned,
      peakHeld: max((s) => s.displayed + s.locked),
      peakPoolOne: max((s) => s.available + s.displayed + s.cooling),
      peakTarget: max((s) => s.target),
      atBusiestWindow: inBusiest ? withoutAt(inBusiest) : null,
      peakOwnedVsRule: ruleNumbers === 0 ? 0 : Math.round((peakOwned / ruleNumbers) * 100) / 100,
      overflowDisplays: truth.displaysByPool.overflow,
      overflowAfterFirstMinute: truth.counts.overflowAfterFirstMinute,
      overflowWhileCooling: truth.counts.overflowWhileCooling,
      peakWanted: samples.some((s) => typeof s.wanted === 'number') ? max((s) => s.wanted ?? 0) : null,
      cooldown: inputs.cooldown,
      numbersBought: projected.numbersBought,
      numbersReleased: projected.numbersReleased,
      projected,
    },
  };
}

function withoutAt({ at: _at, ...rest }: PoolSample): Omit<PoolSample, 'at'> {
  return rest;
}
