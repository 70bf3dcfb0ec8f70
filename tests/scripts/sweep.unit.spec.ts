import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** scripts/lib/sweep.mjs is an ES module: ask a child node what it plans. */
const root = join(__dirname, '../..');
const run = promisify(execFile);

async function sweep<T>(expression: string): Promise<T> {
  const code = `const m = await import(${JSON.stringify(join(root, 'scripts/lib/sweep.mjs'))});
    process.stdout.write(JSON.stringify(${expression}));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: root });
  return JSON.parse(stdout) as T;
}

describe('npm run simulate -- --sweep / --menu-compare', () => {
  it('runs one fresh stack per multiple of the seed rule, then the menu on and off at one pool size', async () => {
    const runs = await sweep<Array<{ kind: string; poolMax: number; env: Record<string, string> }>>(
      `m.plannedRuns(m.sweepOptions(['--sweep', '--menu-compare', '--menu-pool-factor', '1.5']).options, { numbers: 615 }, {})`,
    );
    expect(runs.map((r) => [r.kind, r.poolMax, r.env.CALLER_MENU])).toEqual([
      ['sweep', 615, 'off'],
      ['sweep', 769, 'off'],
      ['sweep', 923, 'off'],
      ['sweep', 1230, 'off'],
      ['sweep', 2460, 'off'],
      ['menu', 923, 'on'],
      ['menu', 923, 'off'],
    ]);
  });

  it('passes every other option to the simulator, over the sweep’s own traffic mix', async () => {
    const { simulatorArgs, options } = await sweep<{ simulatorArgs: string[]; options: { sweep: number[] } }>(
      `m.sweepOptions(['--pool-max-sweep=1,2', '--seed', '4', '--json', '--days=0.1'])`,
    );
    expect(options.sweep).toEqual([1, 2]);
    expect(simulatorArgs).toEqual(['--seed', '4', '--days=0.1']);
    const mix = `['--start-hour', '19', '--days', '0.125', '--visitors-per-day', '4000']`;
    expect(await sweep(`m.withoutOverridden(${mix}, ['--days=0.1', '--visitors-per-day', '3000'])`)).toEqual([
      '--start-hour',
      '19',
    ]);
  });

  it('refuses a sweep factor that is not a positive number', async () => {
    await expect(sweep(`m.sweepOptions(['--pool-max-sweep', '1,0'])`)).rejects.toThrow(/positive multiples/);
  });
});
