/**
 * Integration suites: real pods (dist/backend/main.js) against the local PostgreSQL and Redis,
 * plus the embedded single node started with `npm start`. Run with `npx nx integration backend`.
 */
const esm = require('./jest/esm-transform.cjs');

module.exports = {
  displayName: 'backend-integration',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/integration/**/*.spec.ts'],
  testEnvironment: '<rootDir>/../libs/test-harness/src/jest-environment.ts',
  resolver: '@nx/jest/plugins/resolver',
  moduleNameMapper: {
    '^@chat/contracts$': '<rootDir>/../libs/contracts/src/index.ts',
    '^@chat/contracts/validation$': '<rootDir>/../libs/contracts/src/validation/index.ts',
    '^@chat/test-harness$': '<rootDir>/../libs/test-harness/src/index.ts',
  },
  transform: {
    ...esm.transform,
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  transformIgnorePatterns: esm.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
  maxWorkers: 1,
  verbose: true,
};
