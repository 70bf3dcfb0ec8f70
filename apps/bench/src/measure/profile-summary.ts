import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
}

export interface ProfileSummary {
  totalMs: number;
  idleShare: number;
  byArea: Array<{ area: string; share: number }>;
  topFunctions: Array<{ name: string; share: number }>;
}

/** Where a frame's code lives: a package, one of our folders, Node itself, or V8's pseudo-frames. */
function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1];
  const ours = /\/(apps|libs)\/([^/]+)\//.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return 'node:' + url.slice(5).split('/')[0];
  return url.split('/').slice(-1)[0];
}

/** Self time per area and per function of a V8 .cpuprofile (node --cpu-prof). */
export function summariseProfile(file: string, top = 20): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length || 1;
  const areas = new Map<string, number>();
  const functions = new Map<string, number>();
  let idle = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    if (count === 0) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') idle += count;
    const area = areaOf(url, functionName);
    areas.set(area, (areas.get(area) ?? 0) + count);
    const name = `${functionName || '(anonymous)'} ${area}${url ? `:${lineNumber + 1}` : ''}`;
    functions.set(name, (functions.get(name) ?? 0) + count);
  }
  const ranked = (map: Map<string, number>) => [...map].sort((a, b) => b[1] - a[1]).slice(0, top);
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    idleShare: idle / total,
    byArea: ranked(areas).map(([area, n]) => ({ area, share: n / total })),
    topFunctions: ranked(functions).map(([name, n]) => ({ name, share: n / total })),
  };
}

export function formatProfile(summary: ProfileSummary): string {
  const pct = (x: number) => `${(x * 100).toFixed(1).padStart(5)}%`;
  return [
    `  ${(summary.totalMs / 1000).toFixed(1)} s profiled, idle ${pct(summary.idleShare).trim()}`,
    '  self time by area:',
    ...summary.byArea.map((a) => `    ${pct(a.share)}  ${a.area}`),
    '  top functions (self time):',
    ...summary.topFunctions.map((f) => `    ${pct(f.share)}  ${f.name}`),
  ].join('\n');
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) process.stdout.write(`${file}\n${formatProfile(summariseProfile(file))}\n`);
}
