/**
 * Fault-injection suites: each file starts its own PostgreSQL cluster, redis-server and pods
 * (dist/backend/main.js), then kills, drains or cuts them. Run with `npx nx faults backend`.
 * Same compilation and failure-aware environment as the integration suites (pods' logs are printed
 * when a test fails); its own files, longer timeout.
 */
const integration = require('./jest.integration.config.cts');

module.exports = {
  ...integration,
  displayName: 'backend-faults',
  testMatch: ['<rootDir>/test/faults/**/*.spec.ts'],
  setupFiles: [],
  testTimeout: 180_000,
};
