import path from 'node:path';
import boundaries from 'eslint-plugin-boundaries';

/** The wire types (@chat/contracts): every folder may use them; which projects may is Nx's rule. */
const SHARED = 'contracts';

/**
 * Folder layering inside one project: each element (a folder, by its path from the workspace root;
 * first match wins) may import itself, the elements `allowed` lists for it, and the contracts —
 * nothing else (default disallow), so no two folders import each other. Relative and `@chat/*`
 * imports resolve through the project's TypeScript configuration.
 */
export function folderLayers({ projectDir, tsconfig, elements, allowed, policies = [] }) {
  return {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      'boundaries/root-path': path.resolve(projectDir, '..'),
      'boundaries/elements': [
        ...elements.map(([type, pattern]) => ({ type, pattern, partialMatch: false })),
        { type: SHARED, pattern: 'libs/contracts', partialMatch: false },
      ],
      'import/resolver': { typescript: { project: path.join(projectDir, tsconfig) } },
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(allowed).map(([type, below]) => ({
              from: { element: { type } },
              allow: { to: { element: { types: { anyOf: [type, ...below, SHARED] } } } },
            })),
            ...policies,
          ],
        },
      ],
    },
  };
}
