import path from 'node:path';
import boundaries from 'eslint-plugin-boundaries';
import baseConfig from '../eslint.config.mjs';

/**
 * Every top-level folder of src is an element, and each may import only the folders listed for it
 * (default: nothing), so the folders form layers without cycles:
 *   common, config -> infrastructure (metrics, logging, database, redis) -> realtime (Socket.IO transport)
 *   -> features (users, auth, rooms, presence, messages, admin, health, client) -> chat (the gateway).
 * A lower folder that needs something from a higher one declares it (e.g. rooms' OnlineUsers) and the
 * higher one provides it.
 */
const allowed = {
  common: [],
  config: [],
  metrics: ['common', 'config'],
  logging: ['common', 'config'],
  database: ['common', 'config'],
  redis: ['common', 'config', 'metrics'],
  realtime: ['common', 'config', 'redis'],
  users: ['common', 'database'],
  auth: ['common', 'config', 'database', 'redis', 'users'],
  rooms: ['common', 'database', 'realtime', 'users'],
  presence: ['common', 'config', 'metrics', 'realtime', 'redis', 'rooms'],
  messages: ['common', 'config', 'database', 'metrics', 'realtime', 'rooms', 'users'],
  admin: ['common', 'messages', 'presence', 'realtime', 'rooms', 'users'],
  health: ['common', 'database', 'redis'],
  client: ['common', 'config'],
  chat: ['common', 'config', 'metrics', 'realtime', 'redis', 'users', 'auth', 'rooms', 'presence', 'messages', 'health'],
};
/** main.ts and app.module.ts: the composition root, which wires every folder. */
const root = 'app';
/** The wire types (@chat/contracts; which projects may use them is Nx's rule). */
const shared = 'contracts';

export default [
  ...baseConfig,
  {
    files: ['src/**/*.ts'],
    plugins: { boundaries },
    settings: {
      // Patterns are relative to the workspace root, so the contracts lib can be told apart.
      'boundaries/root-path': path.resolve(import.meta.dirname, '..'),
      // First match wins: the src root files are what the folders leave.
      'boundaries/elements': [
        ...Object.keys(allowed).map((type) => ({ type, pattern: `backend/src/${type}`, partialMatch: false })),
        { type: root, pattern: 'backend/src', partialMatch: false },
        { type: shared, pattern: 'libs/contracts', partialMatch: false },
      ],
      'import/resolver': { typescript: { project: `${import.meta.dirname}/tsconfig.spec.json` } },
    },
    rules: {
      'boundaries/no-unknown-files': 'error',
      // Specs belong to their folder's element: they may import what their folder may.
      'boundaries/dependencies': [
        'error',
        {
          default: 'disallow',
          policies: [
            ...Object.entries(allowed).map(([type, below]) => ({
              from: { element: { type } },
              allow: { to: { element: { types: { anyOf: [type, ...below, shared] } } } },
            })),
            {
              from: { element: { type: root } },
              allow: { to: { element: { types: { anyOf: [root, ...Object.keys(allowed), shared] } } } },
            },
          ],
        },
      ],
    },
  },
];
