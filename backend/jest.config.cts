module.exports = {
  displayName: 'backend',
  roots: ['<rootDir>/src'],
  setupFiles: ['reflect-metadata'],
  preset: '../jest.preset.js',
  testEnvironment: 'node',
  transform: {
    // NestJS 12 and @platformatic/kafka ship ES modules only; jest's runtime is CommonJS, so they are transpiled to it.
    '/node_modules/@(nestjs|platformatic)/.+\\.js$': [
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
    '^.+\\.[tj]s$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@nestjs/|@platformatic/)'],
  moduleFileExtensions: ['ts', 'js', 'html'],
  coverageDirectory: '../coverage/backend',
};
