#!/usr/bin/env node
// Compiles apps/ and libs/ to dist/ with SWC: one pass over the whole tree in a
// couple of seconds, decorator metadata kept (Nest's DI needs it) and the
// @callpool/* path aliases rewritten to relative imports, so `node dist/...`
// needs no runtime hooks. Type checking is `npm run typecheck` (tsc), kept apart
// because it is ten times slower and changes nothing in the output.
import { transformFile } from '@swc/core';
import { copyFile, mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const tsconfig = JSON.parse(readFileSync(join(root, 'tsconfig.base.json'), 'utf8'));

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.(ts|js)$/.test(path) && !path.endsWith('.d.ts') && !path.includes('.spec.')) yield path;
    else if (path.endsWith('.json') && path.includes('/src/')) yield path;
  }
}

const options = (file) => ({
  filename: file,
  sourceMaps: true,
  module: { type: 'commonjs' },
  jsc: {
    target: 'es2022',
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    keepClassNames: true,
    baseUrl: root,
    paths: tsconfig.compilerOptions.paths,
  },
});

// No wipe first: running services and benchmarks load from dist/ while we rebuild.
let count = 0;
for (const top of ['apps', 'libs']) {
  for await (const file of sources(join(root, top))) {
    // Data imported by the code (libs/config/src/dev-defaults.json) and plain .js browser assets (the page
    // snippet) are copied as written, not compiled.
    if (file.endsWith('.json') || file.endsWith('.js')) {
      const target = join(out, relative(root, file));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file, target);
      count++;
      continue;
    }
    const { code, map } = await transformFile(file, options(file));
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map`);
    if (map) await writeFile(`${target}.map`, map);
    count++;
  }
}
console.log(`build: ${count} files compiled to dist/`);
