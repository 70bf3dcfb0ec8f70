#!/usr/bin/env node
// `nx run <project>:typecheck`: tsc over one project's sources (and whatever
// they import through the @callpool/* paths), with the workspace's settings.
// `npm run typecheck` checks the whole tree at once; this is what `nx affected
// -t typecheck` runs per project. The tsconfig is written under
// node_modules/.cache because tsc takes `include` only from a file.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const project = process.argv[2];
if (!project) {
  process.stderr.write('usage: node scripts/typecheck-project.mjs <project root, e.g. apps/allocator>\n');
  process.exit(2);
}
const dir = join(root, 'node_modules/.cache/callpool-typecheck');
mkdirSync(dir, { recursive: true });
const config = join(dir, `${project.replace(/[^a-z0-9]+/gi, '-')}.tsconfig.json`);
const fromDir = (path) => relative(dir, join(root, path));
writeFileSync(
  config,
  JSON.stringify({ extends: fromDir('tsconfig.base.json'), include: [`${fromDir(project)}/**/*.ts`] }, null, 2),
);
const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config, '--noEmit'], {
  stdio: 'inherit',
});
process.exit(tsc.status ?? 1);
