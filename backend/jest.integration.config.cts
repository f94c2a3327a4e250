/**
 * Integration suites: real pods (dist/backend/main.js) against the local PostgreSQL and Redis,
 * plus the embedded single node started with `npm start`. Run with `npx nx integration backend`.
 */
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
    // @platformatic/kafka (the Kafka client of the harness's KafkaBroker and of the Kafka suites) ships ES
    // modules only, and the broker set-up the harness shares with the bench is an ES module
    // (libs/test-harness/kafka/broker.mjs); jest's runtime is CommonJS, so they are transpiled as
    // backend/jest.config.cts does for NestJS.
    '(/node_modules/@platformatic/.+\\.js|/libs/test-harness/kafka/.+\\.mjs)$': [
      'babel-jest',
      {
        babelrc: false,
        configFile: false,
        plugins: [
          '@babel/plugin-transform-export-namespace-from',
          '@babel/plugin-transform-modules-commonjs',
          require.resolve('./jest/esm-to-cjs.babel-plugin.cjs'),
        ],
      },
    ],
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@platformatic/)'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 60_000,
  maxWorkers: 1,
  verbose: true,
};
