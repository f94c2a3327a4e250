import baseConfig from '../../eslint.config.mjs';

export default [
  ...baseConfig,
  {
    // The main entry (src/index.ts -> src/lib) is what browsers import: no class-validator there.
    files: ['src/lib/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'class-validator', message: 'Validation classes belong in src/validation (@chat/contracts/validation).' }],
          patterns: [{ group: ['**/validation', '**/validation/*'], message: 'src/lib must not depend on the validation entry.' }],
        },
      ],
    },
  },
];
