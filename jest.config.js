// One jest run per tier (scripts/test.mjs): unit specs are pure, int specs need
// the real broker and database that `npm test` brings up, e2e specs drive the
// running services over HTTP. SWC compiles the TypeScript (decorator metadata
// included) so a run does not pay for type checking; `npm run typecheck` does.
const { compilerOptions } = require('./tsconfig.base.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);

const swc = [
  '@swc/jest',
  {
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      keepClassNames: true,
    },
    module: { type: 'commonjs' },
  },
];

// @fastify/static (the /docs UI's assets) requires content-disposition, which ships only as an ES
// module: Node loads it natively, jest needs it compiled to CommonJS.
const esmOnly = ['content-disposition'];

const tier = (name, timeout) => ({
  displayName: name,
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': swc, [`/node_modules/(.+/)?(${esmOnly.join('|')})/.+\\.js$`]: swc },
  transformIgnorePatterns: [`/node_modules/(?!(.+/)?(${esmOnly.join('|')})/)`],
  moduleNameMapper,
  testMatch: [`<rootDir>/{apps,libs,tests}/**/*.${name}.spec.ts`],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  slowTestThreshold: timeout / 1000,
});

module.exports = {
  projects: [tier('unit', 5000), tier('int', 60000), tier('e2e', 180000)],
};
