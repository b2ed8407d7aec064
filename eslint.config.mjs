import nx from '@nx/eslint-plugin';
import { noCycle } from './tools/eslint/no-cycle.mjs';

const shared = ['type:contracts', 'type:bus', 'type:data', 'type:platform', 'type:capability'];

export default [
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  { ignores: ['**/dist', '**/node_modules', '**/generated', 'tools/kafka/.run', '**/*.js', '**/*.mjs'] },
  {
    files: ['**/*.ts'],
    plugins: { admit: { rules: { 'no-cycle': noCycle } } },
    rules: {
      // No import cycle between files (enforce-module-boundaries below refuses one between projects).
      'admit/no-cycle': 'error',
      '@nx/enforce-module-boundaries': [
        'error',
        {
          banTransitiveDependencies: false,
          // The CLI loads these only when a command runs (so `admit --version` starts fast), and imports them statically elsewhere.
          checkDynamicDependenciesExceptions: ['@admit/audit', '@admit/keys', '@admit/platform', '@admit/store', '@admit/cedar'],
          depConstraints: [
            // Layers: apps -> services -> platform/capabilities -> bus/data -> contracts. Nothing depends on an app.
            { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:service', ...shared] },
            { sourceTag: 'type:service', onlyDependOnLibsWithTags: shared },
            { sourceTag: 'type:platform', onlyDependOnLibsWithTags: ['type:platform', 'type:contracts', 'type:bus', 'type:data'] },
            { sourceTag: 'type:capability', onlyDependOnLibsWithTags: ['type:contracts', 'type:capability'] },
            { sourceTag: 'type:bus', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:data', onlyDependOnLibsWithTags: ['type:contracts'] },
            { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: [] },
            { sourceTag: 'type:tool', onlyDependOnLibsWithTags: ['type:tool', 'type:service', ...shared] },
            { sourceTag: 'type:test', onlyDependOnLibsWithTags: ['type:service', 'type:tool', ...shared] },
            // A service never reaches into another service; they talk over the bus.
            ...['intake', 'validator', 'policy', 'revocation', 'audit'].map((s) => ({
              sourceTag: `scope:${s}`,
              onlyDependOnLibsWithTags: [`scope:${s}`, 'scope:shared'],
            })),
          ],
        },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      'no-restricted-properties': [
        'error',
        { object: 'URL', property: 'canParse', message: 'On Node 20 it answers false for a non-ASCII URL once V8 optimises the call: use parsedUrl from @admit/contracts.' },
      ],
    },
  },
];
