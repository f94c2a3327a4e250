const { esmToCjs } = require('./jest/esm-transform.cjs');

module.exports = {
  displayName: 'backend',
  roots: ['<rootDir>/src'],
  setupFiles: ['reflect-metadata'],
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    // NestJS 12 and @platformatic/kafka ship ES modules only; jest's runtime is CommonJS, so they are transpiled to it.
    '/node_modules/@(nestjs|platformatic)/.+\\.js$': esmToCjs,
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/|@platformatic/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../coverage/backend',
};
