import baseConfig from '../eslint.config.mjs';
import { folderLayers } from '../eslint.layers.mjs';

/**
 * Every top-level folder of src is an element, and each may import only the folders listed for it
 * (default: nothing), so the folders form layers without cycles:
 *   common, config -> infrastructure (metrics, logging, database, redis, kafka, limits) -> realtime (Socket.IO transport)
 *   -> timeline (seqs, the message row, the Kafka outbox and its relay)
 *   -> features (users, auth, rooms, presence, messages, accounts, admin, search, health, client) -> chat (the gateway).
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
  kafka: ['common', 'config', 'metrics'],
  limits: ['common', 'config', 'metrics', 'redis'],
  realtime: ['common', 'config', 'redis'],
  timeline: ['common', 'config', 'database', 'metrics', 'kafka'],
  users: ['common', 'database'],
  auth: ['common', 'config', 'database', 'metrics', 'redis', 'limits', 'users'],
  rooms: ['common', 'database', 'realtime', 'timeline', 'users', 'auth'],
  presence: ['common', 'config', 'metrics', 'realtime', 'redis', 'rooms'],
  messages: ['common', 'config', 'database', 'metrics', 'redis', 'kafka', 'realtime', 'timeline', 'rooms', 'users', 'auth'],
  accounts: ['common', 'realtime', 'rooms', 'users', 'auth'],
  admin: ['common', 'database', 'kafka', 'messages', 'presence', 'realtime', 'rooms', 'users', 'auth'],
  search: ['common', 'database', 'timeline', 'rooms', 'messages', 'auth'],
  health: ['common', 'database', 'redis', 'kafka'],
  client: ['common', 'config'],
  chat: ['common', 'config', 'metrics', 'limits', 'realtime', 'redis', 'users', 'auth', 'rooms', 'presence', 'messages', 'health'],
};
export default [
  ...baseConfig,
  folderLayers({
    projectDir: import.meta.dirname,
    tsconfig: 'tsconfig.spec.json',
    // Specs belong to their folder's element: they may import what their folder may. The src root
    // files (main.ts, app.module.ts) are the composition root, which wires every folder.
    elements: [...Object.keys(allowed).map((type) => [type, `backend/src/${type}`]), ['app', 'backend/src']],
    allowed: { ...allowed, app: Object.keys(allowed) },
  }),
];
