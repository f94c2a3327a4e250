import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';

export const REPO_ROOT = resolve(__dirname, '../../..');
const BACKEND_MAIN = resolve(REPO_ROOT, 'dist/backend/main.js');
const FRONTEND_INDEX = resolve(REPO_ROOT, 'dist/frontend/browser/index.html');
const PG_ADMIN_URL = process.env['E2E_PG_ADMIN_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env['E2E_REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const READY_TIMEOUT_MS = 45_000;

export const ADMIN_USERNAME = 'e2e-admin';
export const ADMIN_PASSWORD = 'e2e-admin-password';

export function randomId(bytes = 6): string {
  return randomBytes(bytes).toString('hex');
}

export function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? done(port) : fail(new Error('no free port'))));
    });
  });
}

/** Every child process any cluster started, killed on exit even if the suite is interrupted. */
const children = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

export class Pod {
  readonly logs: string[] = [];
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  constructor(
    readonly podId: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== null;
  }

  start(): void {
    const child = spawn(process.execPath, [BACKEND_MAIN], { cwd: REPO_ROOT, env: this.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    children.add(child);
    const keep = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) this.logs.push(`[${this.podId}] ${line}`);
      }
      if (this.logs.length > 300) this.logs.splice(0, this.logs.length - 300);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((done) =>
      child.once('exit', (code, signal) => {
        this.logs.push(`[${this.podId}] exited (code ${code}, signal ${signal})`);
        children.delete(child);
        if (this.child === child) this.child = null;
        done();
      }),
    );
  }

  async waitUntilReady(timeoutMs = READY_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (!this.child) throw new Error(`${this.podId} exited before it was ready\n${this.tail()}`);
      try {
        const res = await fetch(`${this.baseUrl}/health/ready`, { signal: AbortSignal.timeout(2_000) });
        if (res.status === 200) return;
        last = `HTTP ${res.status}`;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      await sleep(200);
    }
    throw new Error(`${this.podId} not ready after ${timeoutMs} ms (${last})\n${this.tail()}`);
  }

  /** A crash: no drain, no goodbye to its sockets. */
  async kill(): Promise<void> {
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /** SIGTERM (the pod drains), SIGKILL after `graceMs`. */
  async stop(graceMs = 8_000): Promise<void> {
    const child = this.child;
    if (!child) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  tail(lines = 60): string {
    return this.logs.slice(-lines).join('\n');
  }
}

export interface Cluster {
  pods: Pod[];
  stop(printLogs?: boolean): Promise<void>;
}

async function withPg<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * `count` pods of the production build on a fresh database and a private Redis key prefix.
 * stop() ends the pods, drops the database and deletes the keys, whatever state they are in.
 */
export async function startCluster(count: number): Promise<Cluster> {
  for (const file of [BACKEND_MAIN, FRONTEND_INDEX]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npx nx run-many -t build -p backend frontend" first`);
  }
  const run = randomId(4);
  const database = `e2e_${run}_${randomId(3)}`;
  const redisKeyPrefix = `e2e-${run}:`;
  const jwtSecret = `e2e-secret-${randomId(16)}`;
  const databaseUrl = new URL(PG_ADMIN_URL);
  databaseUrl.pathname = `/${database}`;
  // The name is built from hex digits only, so interpolating it is safe.
  await withPg((client) => client.query(`CREATE DATABASE "${database}"`));

  const pods: Pod[] = [];
  const stop = async (printLogs = false): Promise<void> => {
    await Promise.all(pods.map((pod) => pod.stop()));
    if (printLogs) for (const pod of pods) process.stderr.write(`\n--- ${pod.podId} ---\n${pod.tail(120)}\n`);
    await withPg((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)).catch((err: unknown) =>
      process.stderr.write(`could not drop ${database}: ${String(err)}\n`),
    );
    await deleteRedisKeys(redisKeyPrefix).catch((err: unknown) => process.stderr.write(`could not clean Redis: ${String(err)}\n`));
  };

  try {
    for (let i = 0; i < count; i += 1) {
      const port = await freePort();
      const podId = `e2e-${run}-${String.fromCharCode(97 + i)}`;
      const env: NodeJS.ProcessEnv = { ...process.env };
      for (const key of ['DATABASE_URL', 'REDIS_URL', 'DATA_DIR', 'CORS_ORIGINS']) delete env[key];
      Object.assign(env, {
        NODE_ENV: 'production',
        PORT: String(port),
        POD_ID: podId,
        DATABASE_URL: databaseUrl.toString(),
        REDIS_URL,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        JWT_SECRET: jwtSecret,
        ADMIN_USERNAME,
        ADMIN_PASSWORD,
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
        DRAIN_SPREAD_MS: '0',
        NO_COLOR: '1',
      });
      pods.push(new Pod(podId, port, env));
    }
    // Started together: their start-up migrations serialise on an advisory lock.
    for (const pod of pods) pod.start();
    await Promise.all(pods.map((pod) => pod.waitUntilReady()));
  } catch (err) {
    await stop(true);
    throw err;
  }
  return { pods, stop };
}
