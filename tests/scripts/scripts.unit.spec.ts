import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm start`, `npm test` and friends import scripts/lib/*.mjs before they
 * build dist/. On a clean clone there is no dist/ yet, so no module under
 * scripts/lib may reach into dist/ when it is imported (only when it runs).
 * The copy lives under the repository's .data/ so `pg` and friends still
 * resolve from its node_modules, while its ROOT (two levels up) has no dist/.
 */
const root = join(__dirname, '../..');
const run = promisify(execFile);

describe('scripts on a clean clone (no dist/ yet)', () => {
  let copy: string;

  beforeAll(() => {
    mkdirSync(join(root, '.data'), { recursive: true });
    copy = mkdtempSync(join(root, '.data', 'clean-clone-'));
    cpSync(join(root, 'scripts'), join(copy, 'scripts'), { recursive: true });
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it.each(readdirSync(join(root, 'scripts/lib')).filter((file) => file.endsWith('.mjs')))(
    'scripts/lib/%s loads without a build',
    async (file) => {
      const code = `await import(${JSON.stringify(join(copy, 'scripts/lib', file))});`;
      await expect(run(process.execPath, ['--input-type=module', '-e', code], { cwd: copy })).resolves.toBeDefined();
    },
  );
});
