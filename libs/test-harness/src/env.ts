import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';

/** Repository root (libs/test-harness/src -> ../../..). */
export const REPO_ROOT = resolve(__dirname, '../../..');
export const BACKEND_MAIN = resolve(REPO_ROOT, 'dist/backend/main.js');
export const FRONTEND_INDEX = resolve(REPO_ROOT, 'dist/frontend/browser/index.html');

/** Superuser connection to the maintenance database, used only to create and drop test databases. */
export const PG_ADMIN_URL = process.env['IT_PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env['IT_REDIS_URL'] ?? 'redis://127.0.0.1:6379';

/**
 * IT_KAFKA_MODE=1 runs fresh clusters in Kafka mode: startFreshCluster starts a broker of their own and
 * gives the pods KAFKA_BROKERS (the `backend-integration-kafka` jest project sets it).
 */
export const KAFKA_MODE = process.env['IT_KAFKA_MODE'] === '1';

/**
 * Abuse limits raised for test pods, whose clients all come from 127.0.0.1 and legitimately register,
 * log in, send and connect fast. Only raised, never off: the login failure limits and typing coalescing
 * keep their product defaults, and the abuse suites (backend/test/abuse) set the limits they test.
 */
export const TEST_POD_LIMITS: Readonly<Record<string, string>> = {
  RATE_LIMIT_MESSAGE_SEND: '1000000/10s',
  RATE_LIMIT_MESSAGE_CHANGE: '1000000/1m',
  RATE_LIMIT_REST: '1000000/1m',
  RATE_LIMIT_LOGIN_ADDRESS: '1000000/1m',
  RATE_LIMIT_REGISTER_ADDRESS: '1000000/1h',
  PASSWORD_HASH_QUEUE: '10000',
  SOCKETS_PER_USER: '100000',
  // Presence tests wait for offline: announced at the next heartbeat rather than after 30 s.
  PRESENCE_OFFLINE_GRACE_MS: '0',
};

/** Generous: two cores shared with other work. */
export const READY_TIMEOUT_MS = 45_000;

/** Global the jest environment sets when a test or hook of the file failed (see jest-environment.ts). */
export const FAILURE_FLAG = '__chatTestFailed';

/**
 * Global the jest environment sets to a function that registers a synchronous cleanup with the real
 * process (see jest-environment.ts): inside a test file `process` is jest's copy, whose 'exit' never fires.
 */
export const HOST_CLEANUP_HOOK = '__chatOnHostExit';

export function randomId(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

/** True once a test or hook of the current file failed: worth printing pod logs and screenshots. */
export function failedSoFar(): boolean {
  return (globalThis as Record<string, unknown>)[FAILURE_FLAG] === true;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
