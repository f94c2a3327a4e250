import nx from '@nx/eslint-plugin';
import baseConfig from '../eslint.config.mjs';
import { folderLayers } from '../eslint.layers.mjs';

/**
 * Folders of src/app form layers; each may import only the ones below it, so no two folders
 * import each other. Lower layers reach upward through injection tokens the upper ones provide.
 */
const layers = ['core', 'auth', 'search', 'rooms', 'chat', 'admin', 'shell'];
/** What each layer may import besides itself (default: nothing). */
const allowed = {
  core: [],
  auth: ['core'],
  // Message search: its results page links into rooms by URL only.
  search: ['core'],
  rooms: ['auth', 'core'],
  chat: ['rooms', 'auth', 'core'],
  admin: ['chat', 'rooms', 'auth', 'core'],
  shell: ['admin', 'chat', 'rooms', 'auth', 'core'],
  // app.ts, app.config.ts, app.routes.ts: the composition root.
  app: layers,
  // main.ts and the test setup.
  entry: ['app'],
  // Test fixtures and fakes, imported by specs of every layer.
  testing: ['core'],
};

export default [
  ...nx.configs['flat/angular'],
  ...nx.configs['flat/angular-template'],
  ...baseConfig,
  {
    files: ['**/*.ts'],
    rules: {
      '@angular-eslint/directive-selector': [
        'error',
        {
          type: 'attribute',
          prefix: 'app',
          style: 'camelCase',
        },
      ],
      '@angular-eslint/component-selector': [
        'error',
        {
          type: 'element',
          prefix: 'app',
          style: 'kebab-case',
        },
      ],
      '@angular-eslint/prefer-on-push-component-change-detection': 'error',
      // The typescript-eslint twin, so the base config's no-restricted-imports options stay in force.
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [
            {
              name: '@chat/contracts/validation',
              message: 'Server-side class-validator DTOs: import the interfaces of the same name from @chat/contracts.',
            },
          ],
        },
      ],
    },
  },
  folderLayers({
    projectDir: import.meta.dirname,
    tsconfig: 'tsconfig.spec.json',
    // First match wins: the app and src root files are what the folders above leave.
    elements: [
      ...layers.map((type) => [type, `frontend/src/app/${type}`]),
      ['testing', 'frontend/src/testing'],
      ['app', 'frontend/src/app'],
      ['entry', 'frontend/src'],
    ],
    allowed,
    policies: [{ from: { file: { path: '**/*.spec.ts' } }, allow: { to: { element: { type: 'testing' } } } }],
  }),
  {
    files: ['**/*.html'],
    // Override or add rules here
    rules: {},
  },
];
