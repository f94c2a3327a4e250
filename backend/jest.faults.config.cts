/**
 * Fault-injection suites: each file starts its own PostgreSQL cluster, redis-server and pods
 * (dist/backend/main.js), then kills, drains or cuts them. Run with `npx nx faults backend`.
 */
module.exports = {
  displayName: 'backend-faults',
  rootDir: __dirname,
  roots: ['<rootDir>/test'],
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  testEnvironment: 'node',
  resolver: '@nx/jest/plugins/resolver',
  moduleNameMapper: {
    '^@chat/contracts$': '<rootDir>/../libs/contracts/src/index.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 180_000,
  maxWorkers: 1,
  verbose: true,
};
