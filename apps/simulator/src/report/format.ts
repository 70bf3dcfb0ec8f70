import { AttributionRow } from './attribution';
import { SimulationReport } from './report';

const pct = (share: number) => `${(share * 100).toFixed(1)}%`;

/** The report for a person: the same numbers as --json, in a few readable blocks. */
export function formatReport(r: SimulationReport, wallSeconds?: number): string {
  const lines: string[] = [];
  const t = r.traffic;
  lines.push(
    `callpool simulation — seed ${r.seed} (${r.runId}), ${r.simulated.from} → ${r.simulated.to}${wallSeconds ? `, ${wallSeconds.toFixed(0)} s wall time` : ''}`,
  );
  lines.push('');
  lines.push(
    `traffic   ${t.visitors} visitors, ${t.sessions} sessions (${t.returningSessions} returning), ${t.pageViews} page views`,
  );
  lines.push(
    `          ${t.meanSessionMinutes} min and ${t.listingsPerSession} listings per session; ${t.listings} listings (${t.premiumListings} premium), ${t.listingsSold} sold`,
  );
  const d = r.displays;
  lines.push(
    `displays  ${d.total} (session ${d.session}, locked ${d.locked}, listing ${d.listing}, overflow ${d.overflow}); projected ${d.projected}`,
  );
  const c = r.calls;
  lines.push(
    `calls     ${c.placed} placed through tracking numbers, ${c.onDealerLine} on a dealer's own line (overflow), ${c.afterRunEnd} planned after the run`,
  );
  lines.push(
    `          projected ${c.projected}, duplicates ${c.duplicates} → ${c.countedOnce ? 'every call counted once' : 'NOT counted once'}`,
  );
  lines.push('');
  lines.push(
    `attribution          calls  right visitor  wrong visitor  unattributed  listing-level  wrong dealer  main line`,
  );
  for (const [name, row] of Object.entries(r.attribution)) lines.push(formatRow(name, row));
  lines.push(`visitor-level calls by when the visitor called:`);
  for (const [name, row] of Object.entries(r.attributionByTiming)) lines.push(formatRow(name, row));
  lines.push(`after-session calls by how long after the session ended:`);
  for (const [name, row] of Object.entries(r.attributionByLateness)) lines.push(formatRow(name, row));
  const m = r.menu;
  lines.push(
    `caller menu: ${m.heard} calls heard it (${pct(m.share)}, ${m.meanOptions} listings offered on average); pressed their car ${m.choices.right}, another ${m.choices.wrong}, nothing ${m.choices.none}, theirs not offered ${m.choices['not-offered']}`,
  );
  lines.push(
    `resolved by: ${Object.entries(r.resolvedBy)
      .map(([how, n]) => `${how} ${n}`)
      .join(', ')}`,
  );
  for (const a of r.anomalies)
    lines.push(
      `  ! ${a.category} call ${a.callSid} at ${a.at} by ${a.visitorId} on ${a.listingId} to ${a.dialled} (shown ${a.shown.pool} at ${a.shown.at}) → ${JSON.stringify(a.projected)}`,
    );
  lines.push('');
  const p = r.pool;
  lines.push(
    `pool      rule (DESIGN.md): ${p.rule.visitors} visitors in the busiest 10-min window (${p.rule.windowStart}) × ${p.rule.listingsPerSession} = ${p.rule.numbers} numbers`,
  );
  lines.push(
    `          peak owned ${p.peakOwned} (${p.peakOwnedVsRule}× the rule), peak held ${p.peakHeld}, peak Pool 1 ${p.peakPoolOne}, peak target ${p.peakTarget}`,
  );
  if (p.atBusiestWindow) lines.push(`          in the busiest window: ${JSON.stringify(p.atBusiestWindow)}`);
  lines.push(
    `          overflow displays ${p.overflowDisplays} (${p.overflowAfterFirstMinute} after the first minute, ${p.overflowWhileCooling} while numbers were cooling); numbers bought ${p.numbersBought}, released ${p.numbersReleased}`,
  );
  const cooled = p.cooldown;
  lines.push(
    `          peak wanted beyond POOL_MAX ${p.peakWanted ?? 'n/a'}; cool-down achieved ${cooled?.meanSeconds === null || !cooled ? 'n/a' : `${(cooled.meanSeconds / 60).toFixed(1)} min mean over ${cooled.reused} reused numbers, ${cooled.beforeTarget} handed out before their cool-down target`}`,
  );
  lines.push(
    `          projected pool_health: peak owned ${p.projected.peakOwned}, held ${p.projected.peakHeld}, overflow ${p.projected.overflowDisplays}`,
  );
  return lines.join('\n');
}

function formatRow(name: string, row: AttributionRow): string {
  const cell = (n: number, width: number) => `${n} (${pct(row.calls ? n / row.calls : 0)})`.padStart(width);
  return `  ${name.padEnd(15)} ${String(row.calls).padStart(8)} ${cell(row.rightVisitor, 14)} ${cell(row.wrongVisitor, 14)} ${cell(row.unattributed, 13)} ${cell(row.listingLevel, 14)} ${cell(row.wrongDealer, 13)} ${cell(row.mainLine, 10)}`;
}
