/**
 * The ES-module-only code the test harness loads, transpiled to CommonJS for jest's runtime (as
 * backend/jest.config.cts does for NestJS): @platformatic/kafka (the Kafka client of the harness's
 * KafkaBroker and of the Kafka suites) and the broker set-up the harness shares with the bench
 * (libs/test-harness/kafka/broker.mjs). Every jest config that loads @chat/test-harness uses it.
 */
/** babel-jest turning ES modules into CommonJS; backend/jest.config.cts uses it for NestJS too. */
const esmToCjs = [
  'babel-jest',
  {
    babelrc: false,
    configFile: false,
    plugins: [
      '@babel/plugin-transform-export-namespace-from',
      '@babel/plugin-transform-modules-commonjs',
      require.resolve('./esm-to-cjs.babel-plugin.cjs'),
    ],
  },
];

module.exports = {
  esmToCjs,
  transform: {
    '(/node_modules/@platformatic/.+\\.js|/libs/test-harness/kafka/.+\\.mjs)$': esmToCjs,
  },
  transformIgnorePatterns: ['/node_modules/(?!@platformatic/)'],
};
