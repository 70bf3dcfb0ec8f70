import type { AllocatorBenchResult } from './allocator/allocator.bench';
import type { CallIngestBenchResult } from './call-ingest/call-ingest.bench';
import type { BenchOptions } from './options';
import type { ProjectorBenchResult } from './projector/projector.bench';
import type { RebuildBenchResult } from './rebuild/rebuild.bench';
import type { RollupBenchResult } from './rollups/rollups.bench';
import { rollupsLines, rollupsMarkdown } from './rollups/rollups.report';
import { ms, perSecond, times } from './measure/stats';

export interface BenchReport {
  startedAt: string;
  options: BenchOptions;
  machine: { cpus: number; cpuModel: string; memoryGb: number; node: string; loadAverage: number };
  allocator?: AllocatorBenchResult;
  projector?: ProjectorBenchResult;
  callIngest?: CallIngestBenchResult;
  rollups?: RollupBenchResult;
  rebuild?: RebuildBenchResult;
  /** One section per benchmark that ran, for docs/benchmarks.md. */
  markdown?: Partial<Record<'allocator' | 'projector' | 'call-ingest' | 'rollups' | 'rebuild', string>>;
}

export const REPRODUCE = {
  allocator: 'npm run bench -- --only allocator',
  projector: 'npm run bench -- --only projector',
  'call-ingest': 'npm run bench -- --only call-ingest',
  rollups: 'npm run bench -- --only rollups',
  rebuild: 'npm run bench -- --only rebuild',
};

/** The allocator level the aims are judged at: the best callpool throughput whose p99 stays under 25 ms. */
export function allocatorVerdict(result: AllocatorBenchResult) {
  const candidates = result.levels.filter((l) => l.callpool.latency.p99 < 25);
  const best = (candidates.length ? candidates : result.levels).reduce((a, b) =>
    b.callpool.throughput > a.callpool.throughput ? b : a,
  );
  const bestBaseline = result.levels.reduce((a, b) => (b.baseline.throughput > a.baseline.throughput ? b : a));
  return {
    level: best,
    /** False when no level kept p99 under 25 ms: `level` is then simply the fastest. */
    underP99: candidates.length > 0,
    ratio: best.callpool.throughput / bestBaseline.baseline.throughput,
    bestBaseline,
    met: best.callpool.latency.p99 < 25 && best.callpool.throughput >= 5 * bestBaseline.baseline.throughput,
  };
}

export function markdownReport(report: BenchReport): NonNullable<BenchReport['markdown']> {
  const m = report.machine;
  const run = `_Run of ${report.startedAt} on ${m.cpus} CPU(s) (${m.cpuModel}), ${m.memoryGb} GB, Node ${m.node}; 1-minute load average ${m.loadAverage.toFixed(2)} at the start; scale ${report.options.scale}._`;
  const section = (lines: string[]) => [...lines, '', run].join('\n');
  return {
    ...(report.allocator ? { allocator: section(allocatorMarkdown(report.allocator)) } : {}),
    ...(report.projector ? { projector: section(projectorMarkdown(report.projector)) } : {}),
    ...(report.callIngest ? { 'call-ingest': section(callIngestMarkdown(report.callIngest)) } : {}),
    ...(report.rollups ? { rollups: section(rollupsMarkdown(report.rollups, REPRODUCE.rollups)) } : {}),
    ...(report.rebuild ? { rebuild: section(rebuildMarkdown(report.rebuild)) } : {}),
  };
}

function allocatorMarkdown(result: AllocatorBenchResult): string[] {
  const verdict = allocatorVerdict(result);
  return [
    `### Allocator: POST /v1/displays (\`${REPRODUCE.allocator}\`)`,
    '',
    `Pool of ${result.poolSize} numbers on both sides (callpool a fresh allocator per level, its pool pre-filled from the Twilio stand-in in ${result.prefillSeconds.map((s) => s.toFixed(1)).join(', ')} s).`,
    '',
    '| concurrency | baseline displays/s | baseline p50 | baseline p99 | callpool displays/s | callpool p50 | callpool p99 | throughput ratio | bare node:http displays/s, p99 | callpool / bare | Kafka commits: mean time, events each |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...result.levels.map(
      (l) =>
        `| ${l.concurrency} | ${perSecond(l.baseline.throughput)} | ${ms(l.baseline.latency.p50)} | ${ms(l.baseline.latency.p99)} | ${perSecond(l.callpool.throughput)} | ${ms(l.callpool.latency.p50)} | ${ms(l.callpool.latency.p99)} | ${times(l.callpool.throughput / l.baseline.throughput)} | ${l.bare ? `${perSecond(l.bare.throughput)}, ${ms(l.bare.latency.p99)}` : 'n/a'} | ${l.bare ? times(l.callpool.throughput / l.bare.throughput) : 'n/a'} | ${l.commits ? `${ms(l.commits.meanMs)}, ${l.commits.meanEvents.toFixed(1)}` : 'n/a'} |`,
    ),
    '',
    `**Ratio: ${times(verdict.ratio)}** — callpool's best throughput ${verdict.underP99 ? 'with p99 under 25 ms' : 'at any level (no level kept p99 under 25 ms)'} (${perSecond(verdict.level.callpool.throughput)} at concurrency ${verdict.level.concurrency}, p99 ${ms(verdict.level.callpool.latency.p99)}) against the baseline's best at any concurrency (${perSecond(verdict.bestBaseline.baseline.throughput)} at ${verdict.bestBaseline.concurrency}). Aim: ≥ 5× with p99 < 25 ms — ${verdict.met ? 'met' : 'not met'}.${verdict.level.bare ? ` At that level callpool does ${times(verdict.level.callpool.throughput / verdict.level.bare.throughput)} of the bare node:http handler (${perSecond(verdict.level.bare.throughput)}, p99 ${ms(verdict.level.bare.latency.p99)}).` : ''}`,
  ];
}

function projectorMarkdown(result: ProjectorBenchResult): string[] {
  return [
    `### Projector: events into Postgres (\`${REPRODUCE.projector}\`)`,
    '',
    `${result.events.toLocaleString('en-US')} events (${Object.entries(result.eventTypes)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}) into ${result.rows.toLocaleString('en-US')} rows.`,
    '',
    '| side | seconds | events/s |',
    '|---|---:|---:|',
    `| baseline: COPY of the projector's final rows into the same tables (with their indexes), one transaction | ${result.copy.seconds.toFixed(2)} | ${perSecond(result.copy.eventsPerSecond)} |`,
    `| callpool projector: Kafka → Postgres, batches of ${result.batchSize}, offsets in the same transaction | ${result.projector.seconds.toFixed(2)} | ${perSecond(result.projector.eventsPerSecond)} |`,
    '',
    `**Ratio: ${times(result.projector.eventsPerSecond / result.copy.eventsPerSecond)}** of COPY. Aim: ≥ 0.5× — ${result.projector.eventsPerSecond >= 0.5 * result.copy.eventsPerSecond ? 'met' : 'not met'}.`,
  ];
}

const seconds = (s: number) => `${s.toFixed(1)} s`;

function rebuildMarkdown(result: RebuildBenchResult): string[] {
  const { read, allocator, projector } = result;
  return [
    `### State rebuild of ${result.events.toLocaleString('en-US')} events (\`${REPRODUCE.rebuild}\`)`,
    '',
    `${result.events.toLocaleString('en-US')} events (${Object.entries(result.eventTypes)
      .map(([t, n]) => `${t} ${n}`)
      .join(
        ', ',
      )}): ${result.topics.allocations.toLocaleString('en-US')} on callpool.allocations, ${result.topics.webEvents.toLocaleString('en-US')} on callpool.web-events, ${result.topics.calls.toLocaleString('en-US')} on callpool.calls; produced in ${seconds(result.produceSeconds)}.`,
    '',
    '| side | events | seconds | events/s | time against the plain read |',
    '|---|---:|---:|---:|---:|',
    `| baseline: a plain kafkajs consumer reads the allocator's topics (web-events, allocations) to the end, JSON.parse of each value | ${read.allocatorTopics.events.toLocaleString('en-US')} | ${read.allocatorTopics.seconds.toFixed(1)} | ${perSecond(read.allocatorTopics.eventsPerSecond)} | 1.00× |`,
    `| allocator start-up: \`node dist/apps/allocator/src/main.js\` to \`/health\` 200, state folded from the log (on empty topics: ${seconds(allocator.emptyStartSeconds)}) | ${allocator.startUp.events.toLocaleString('en-US')} | ${allocator.startUp.seconds.toFixed(1)} | ${perSecond(allocator.startUp.eventsPerSecond)} | ${times(allocator.startUp.seconds / read.allocatorTopics.seconds)} |`,
    `| baseline: the same plain consumer reads all three topics to the end | ${read.allTopics.events.toLocaleString('en-US')} | ${read.allTopics.seconds.toFixed(1)} | ${perSecond(read.allTopics.eventsPerSecond)} | 1.00× |`,
    `| \`npm run projector:rebuild\` (\`node dist/apps/projector/src/rebuild.js\`) into a fresh database, until swapped in and exited (on empty topics: ${seconds(projector.emptyRebuildSeconds)}) | ${projector.rebuild.events.toLocaleString('en-US')} | ${projector.rebuild.seconds.toFixed(1)} | ${perSecond(projector.rebuild.eventsPerSecond)} | ${times(projector.rebuild.seconds / read.allTopics.seconds)} |`,
    '',
    `**Allocator start-up replay: ${seconds(allocator.startUp.seconds)}; projector rebuild: ${seconds(projector.rebuild.seconds)}** (${times(allocator.startUp.seconds / read.allocatorTopics.seconds)} and ${times(projector.rebuild.seconds / read.allTopics.seconds)} the time of just reading the same log).`,
    '',
    `Progress: the allocator logged ${allocator.progressLines} progress line(s) while replaying${allocator.lastProgressLine ? ` (last: \`${allocator.lastProgressLine}\`)` : ''}${allocator.rebuiltLine ? `, then \`${allocator.rebuiltLine}\`` : ''}; projector:rebuild printed ${projector.progressLines} (every ${projector.progressEveryMs / 1000} s${projector.lastProgressLine ? `; last: \`${projector.lastProgressLine}\`` : ''}).`,
  ];
}

function callIngestMarkdown(result: CallIngestBenchResult): string[] {
  return [
    `### call-ingest: POST /twilio/voice (\`${REPRODUCE['call-ingest']}\`)`,
    '',
    '| concurrency | side | webhooks/s | p50 | p99 | p99 ratio to bare |',
    '|---:|---|---:|---:|---:|---:|',
    ...result.levels.flatMap((l) => [
      `| ${l.concurrency} | bare Nest-on-Fastify handler, fixed TwiML, no signature check | ${perSecond(l.bare.throughput)} | ${ms(l.bare.latency.p50)} | ${ms(l.bare.latency.p99)} | 1.00× |`,
      ...(l.bareSigned
        ? [
            `| ${l.concurrency} | the same plus the signature check | ${perSecond(l.bareSigned.throughput)} | ${ms(l.bareSigned.latency.p50)} | ${ms(l.bareSigned.latency.p99)} | ${times(l.bareSigned.latency.p99 / l.bare.latency.p99)} |`,
          ]
        : []),
      `| ${l.concurrency} | call-ingest (signature, attribution from memory, spool fsync) | ${perSecond(l.callIngest.throughput)} | ${ms(l.callIngest.latency.p50)} | ${ms(l.callIngest.latency.p99)} | ${times(l.callIngest.latency.p99 / l.bare.latency.p99)} |`,
    ]),
    '',
    `**Ratio (p99, concurrency ${result.levels[0].concurrency}): ${times(result.levels[0].callIngest.latency.p99 / result.levels[0].bare.latency.p99)}** of the bare handler. Aim: ≤ 2× — ${result.levels.every((l) => l.callIngest.latency.p99 <= 2 * l.bare.latency.p99) ? 'met at every level' : 'not met at every level'}.`,
  ];
}

/** The console version: one line per ratio, each with the command that reproduces it. */
export function printReport(report: BenchReport, out: NodeJS.WritableStream): void {
  out.write('\nBenchmarks (each against a baseline measured in this run, on this machine)\n');
  if (report.allocator) {
    const v = allocatorVerdict(report.allocator);
    out.write(
      `  allocator    ${times(v.ratio)} baseline displays/s (${perSecond(v.level.callpool.throughput)} vs ${perSecond(v.bestBaseline.baseline.throughput)}), callpool p99 ${ms(v.level.callpool.latency.p99)} at c=${v.level.concurrency}  [aim ≥5×, p99<25 ms: ${v.met ? 'met' : 'not met'}]\n`,
    );
    if (v.level.bare)
      out.write(
        `               ${times(v.level.callpool.throughput / v.level.bare.throughput)} the bare node:http handler at c=${v.level.concurrency} (${perSecond(v.level.bare.throughput)}, p99 ${ms(v.level.bare.latency.p99)})\n`,
      );
    out.write(`               reproduce: ${REPRODUCE.allocator}\n`);
  }
  if (report.projector) {
    const p = report.projector;
    out.write(
      `  projector    ${times(p.projector.eventsPerSecond / p.copy.eventsPerSecond)} of COPY (${perSecond(p.projector.eventsPerSecond)} vs ${perSecond(p.copy.eventsPerSecond)} events)  [aim ≥0.5×: ${p.projector.eventsPerSecond >= 0.5 * p.copy.eventsPerSecond ? 'met' : 'not met'}]\n`,
    );
    out.write(`               reproduce: ${REPRODUCE.projector}\n`);
  }
  if (report.callIngest) {
    for (const l of report.callIngest.levels)
      out.write(
        `  call-ingest  c=${l.concurrency}: p99 ${times(l.callIngest.latency.p99 / l.bare.latency.p99)} the bare handler's (${ms(l.callIngest.latency.p99)} vs ${ms(l.bare.latency.p99)}; p50 ${ms(l.callIngest.latency.p50)} vs ${ms(l.bare.latency.p50)})  [aim ≤2×: ${l.callIngest.latency.p99 <= 2 * l.bare.latency.p99 ? 'met' : 'not met'}]\n`,
      );
    out.write(`               reproduce: ${REPRODUCE['call-ingest']}\n`);
  }
  if (report.rollups) {
    for (const line of rollupsLines(report.rollups)) out.write(`  ${line}\n`);
    out.write(`               reproduce: ${REPRODUCE.rollups}\n`);
  }
  if (report.rebuild) {
    const { read, allocator, projector, events } = report.rebuild;
    out.write(
      `  rebuild      ${events} events: allocator start-up ${seconds(allocator.startUp.seconds)} (${perSecond(allocator.startUp.eventsPerSecond)}, ${times(allocator.startUp.seconds / read.allocatorTopics.seconds)} the time of a plain read, ${seconds(read.allocatorTopics.seconds)}), ${allocator.progressLines} progress lines\n`,
    );
    out.write(
      `               projector:rebuild ${seconds(projector.rebuild.seconds)} (${perSecond(projector.rebuild.eventsPerSecond)}, ${times(projector.rebuild.seconds / read.allTopics.seconds)} the time of a plain read, ${seconds(read.allTopics.seconds)}), ${projector.progressLines} progress lines\n`,
    );
    out.write(`               reproduce: ${REPRODUCE.rebuild}\n`);
  }
}
