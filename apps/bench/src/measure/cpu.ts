import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const TICKS_PER_SECOND = 100;

/** CPU seconds a process has used so far (user + system), from /proc. */
function processSeconds(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return NaN;
  }
}

function machineTimes() {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    busy += times.user + times.nice + times.sys + times.irq;
    total += times.user + times.nice + times.sys + times.irq + times.idle;
  }
  return { busy, total };
}

/** Where the CPU went during a measured phase, in cores (1.0 = one core busy all along). */
export interface CpuShare {
  service: number;
  loadGenerator: number;
  machine: number;
  cores: number;
}

export async function withCpu<T>(servicePid: number, work: () => Promise<T>): Promise<{ result: T; cpu: CpuShare }> {
  const t0 = performance.now();
  const service0 = processSeconds(servicePid);
  const self0 = process.cpuUsage();
  const machine0 = machineTimes();
  const result = await work();
  const seconds = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const machine1 = machineTimes();
  const n = cpus().length;
  return {
    result,
    cpu: {
      service: (processSeconds(servicePid) - service0) / seconds,
      loadGenerator: (self.user + self.system) / 1e6 / seconds,
      machine: (n * (machine1.busy - machine0.busy)) / Math.max(1, machine1.total - machine0.total),
      cores: n,
    },
  };
}
