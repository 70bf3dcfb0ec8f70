// Architecture rules (STYLE.md): the domain and the contracts import no
// infrastructure; adapters never reach into apps; nothing imports an app.
import nx from '@nx/eslint-plugin';

const infrastructure = ['@nestjs/*', 'kafkajs', 'pg', 'typeorm', 'twilio', 'fastify', 'nestjs-pino', 'prom-client'];

function boundaries({ inSpecs }) {
  const testing = inSpecs ? ['type:testing'] : [];
  return {
    enforceBuildableLibDependency: false,
    depConstraints: [
      {
        sourceTag: 'type:contracts',
        onlyDependOnLibsWithTags: [...testing],
        bannedExternalImports: inSpecs ? [] : infrastructure,
      },
      {
        sourceTag: 'type:domain',
        onlyDependOnLibsWithTags: ['type:contracts', ...testing],
        bannedExternalImports: inSpecs ? [] : infrastructure,
      },
      {
        sourceTag: 'type:util',
        onlyDependOnLibsWithTags: ['type:util', ...testing],
        bannedExternalImports: inSpecs ? [] : infrastructure.filter((p) => p !== '@nestjs/*'),
      },
      {
        sourceTag: 'type:adapter',
        onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:adapter', ...testing],
      },
      {
        sourceTag: 'type:testing',
        onlyDependOnLibsWithTags: ['type:contracts', 'type:util', 'type:adapter', 'type:testing'],
      },
      {
        sourceTag: 'type:app',
        onlyDependOnLibsWithTags: ['type:contracts', 'type:domain', 'type:util', 'type:adapter', 'type:testing'],
      },
    ],
  };
}

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '.cache', '.data', '.nx', 'scripts/infra/kafka/*.mjs'] },
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': ['error', boundaries({ inSpecs: false })],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Specs may also use the testing libraries (stand-ins, drivers, per-suite infrastructure).
    files: ['**/*.spec.ts'],
    rules: { '@nx/enforce-module-boundaries': ['error', boundaries({ inSpecs: true })] },
  },
];
