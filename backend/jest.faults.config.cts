/**
 * Fault-injection suites: each file starts its own PostgreSQL cluster, redis-server and pods
 * (dist/backend/main.js), then kills, drains or cuts them. Run with `npx nx faults backend`.
 * Same compilation as the integration suites; its own files, plain node environment, longer timeout.
 */
const integration = require('./jest.integration.config.cts');

module.exports = {
  ...integration,
  displayName: 'backend-faults',
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  testEnvironment: 'node',
  setupFiles: [],
  testTimeout: 180_000,
};
