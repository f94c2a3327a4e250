/**
 * The one test harness of the workspace, shared by the integration and fault suites
 * (backend/test) and the browser suite (frontend/e2e): child processes and free ports, pods of
 * dist/backend/main.js and clusters of them, health and metrics probes, waits, PostgreSQL databases
 * and Redis key prefixes that clean up after themselves, a TCP proxy for fail-over and cuts, a real
 * Kafka broker (kafka.ts), and the jest environment that records failures. Test code only: lint
 * refuses it in application code.
 */
export * from './database';
export * from './env';
export * from './kafka';
export * from './lifecycle';
export * from './pods';
export * from './probes';
export * from './processes';
export * from './redis';
export * from './tcp-proxy';
export * from './waits';
