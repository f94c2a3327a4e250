/**
 * Abuse suites: what an attacker with an ordinary account can try (floods, bad input, stolen or stale
 * sessions, forged origins), each asserting the fixed behaviour on real pods, PostgreSQL and Redis,
 * including a bystander's latency while someone else floods. Run with `npx nx abuse backend`.
 * Same compilation and failure-aware environment as the integration suites; its own files.
 */
const integration = require('./jest.integration.config.cts');

module.exports = {
  ...integration,
  displayName: 'backend-abuse',
  testMatch: ['<rootDir>/test/abuse/**/*.spec.ts'],
  testTimeout: 120_000,
};
