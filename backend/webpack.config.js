// Bundles the backend into dist/backend/main.js (CommonJS, Node 24), and the password-hashing worker into
// dist/backend/scrypt-worker.js. TypeScript is compiled by
// ts-loader (transpile only; `nx run backend:typecheck` type-checks), keeping decorator metadata
// for Nest's dependency injection. The shared contracts are bundled in from source; every npm
// package stays external and is loaded from node_modules at run time.
const { join, resolve } = require('node:path');

const root = resolve(__dirname, '..');

module.exports = (_env, argv) => ({
  mode: argv.mode === 'development' ? 'development' : 'production',
  target: 'node24',
  context: __dirname,
  entry: {
    main: './src/main.ts',
    // PasswordHasher's worker threads load this file by name (dist/backend/scrypt-worker.js).
    'scrypt-worker': { import: './src/auth/scrypt-worker.ts', library: { type: 'commonjs2', export: 'default' } },
  },
  output: {
    path: join(root, 'dist/backend'),
    filename: '[name].js',
    clean: true,
    devtoolModuleFilenameTemplate: '[absolute-resource-path]',
  },
  devtool: 'source-map',
  optimization: { minimize: false, nodeEnv: false },
  resolve: {
    extensions: ['.ts', '.js'],
    alias: {
      '@chat/contracts/validation': join(root, 'libs/contracts/src/validation/index.ts'),
      '@chat/contracts$': join(root, 'libs/contracts/src/index.ts'),
    },
  },
  externalsPresets: { node: true },
  externals: [
    ({ request }, callback) =>
      /^[@a-z]/.test(request) && !request.startsWith('@chat/') ? callback(null, `commonjs ${request}`) : callback(),
  ],
  module: {
    rules: [
      {
        test: /\.ts$/,
        loader: 'ts-loader',
        exclude: /node_modules/,
        options: { configFile: join(__dirname, 'tsconfig.app.json'), transpileOnly: true },
      },
    ],
  },
  stats: 'errors-warnings',
});
