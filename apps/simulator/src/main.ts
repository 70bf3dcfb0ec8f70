import { loadCli, USAGE } from './config';
import { formatReport } from './report/format';
import { Progress, runSimulation } from './simulation';
import { seedRule } from './sweep/rule';

export { runSimulation } from './simulation';
export type { SimulationConfig } from './simulation';
export type { SimulationReport } from './report/report';

/** One line on stderr, rewritten in place on a terminal; every tenth of the run otherwise. */
function progressLine(): (p: Progress) => void {
  const tty = process.stderr.isTTY;
  let lastTenth = -1;
  return (p) => {
    const line = `${p.phase.padEnd(11)} ${new Date(p.simulatedAt).toISOString().slice(0, 16)}Z ${(p.fraction * 100).toFixed(0).padStart(3)}%  displays ${p.displays}  calls ${p.calls}  numbers owned ${p.poolOwned}${p.detail ? `  ${p.detail}` : ''}`;
    if (tty) process.stderr.write(`\r${line.padEnd(120).slice(0, 160)}`);
    else if (p.phase !== 'playing' || Math.floor(p.fraction * 10) > lastTenth) {
      lastTenth = Math.floor(p.fraction * 10);
      process.stderr.write(`${line}\n`);
    }
  };
}

async function main(): Promise<void> {
  const settings = loadCli(process.argv.slice(2), process.env);
  if (settings.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (settings.ruleOnly) {
    const { model, startHour, ruleListingsPerSession } = settings.simulation;
    process.stdout.write(
      `${JSON.stringify(seedRule(model, { startHour, listingsPerSession: ruleListingsPerSession }))}\n`,
    );
    return;
  }
  const started = Date.now();
  const report = await runSimulation({ ...settings.simulation, onProgress: progressLine() });
  if (process.stderr.isTTY) process.stderr.write('\n');
  const wallSeconds = (Date.now() - started) / 1000;
  if (settings.json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`${formatReport(report, wallSeconds)}\n`);
  process.stderr.write(`simulation took ${wallSeconds.toFixed(1)} s of wall time\n`);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`\nsimulator: ${error.message}\n`);
    process.exit(1);
  });
}
