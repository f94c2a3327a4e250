/**
 * The multi-pod integration suite again, in Kafka mode: IT_KAFKA_MODE=1 makes the harness's fresh
 * clusters start a Kafka broker of their own and give their pods KAFKA_BROKERS, so the same assertions
 * (the socket contract, acks after commit, delivery, refusals) hold with sends going through Kafka.
 * Run with `npx nx integration-kafka backend`.
 */
const integration = require('./jest.integration.config.cts');

process.env.IT_KAFKA_MODE = '1';

module.exports = {
  ...integration,
  displayName: 'backend-integration-kafka',
  testMatch: ['<rootDir>/test/integration/multi-pod.spec.ts'],
};
