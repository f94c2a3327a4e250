/**
 * Browser end-to-end suite: two real pods (dist/backend/main.js serving dist/frontend) on a fresh
 * PostgreSQL database and a private Redis key prefix, driven through Chromium with playwright-core.
 * Run with `npx nx e2e frontend` (builds backend and frontend first).
 */
const esm = require('../../backend/jest/esm-transform.cjs');

module.exports = {
  displayName: 'frontend-e2e',
  rootDir: __dirname,
  testMatch: ['<rootDir>/**/*.e2e.ts'],
  testEnvironment: '<rootDir>/../../libs/test-harness/src/jest-environment.ts',
  moduleNameMapper: {
    '^@chat/contracts$': '<rootDir>/../../libs/contracts/src/index.ts',
    '^@chat/contracts/validation$': '<rootDir>/../../libs/contracts/src/validation/index.ts',
    '^@chat/test-harness$': '<rootDir>/../../libs/test-harness/src/index.ts',
  },
  // The harness loads ES-module-only code (its Kafka broker set-up and client): transpiled as in the backend's suites.
  transform: {
    ...esm.transform,
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  transformIgnorePatterns: esm.transformIgnorePatterns,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 90_000,
  maxWorkers: 1,
  verbose: true,
};
