// Processes under test: our pods (dist/backend/main.js on one fresh bench database) and the peer processes
// (peer-server.mjs), each fleet on its own Redis key prefix; on demand (the kafka scenario) a Kafka broker and a
// second fleet of our pods in Kafka mode on the same database. Tracks everything it starts so cleanup() can kill the
// processes and the broker, drop the database and delete the Redis keys, also after a failure or Ctrl-C.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Redis from 'ioredis';
import pg from 'pg';
import { BenchBroker } from './kafka.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
export const MAIN = join(root, 'dist', 'backend', 'main.js');
const PEER = join(here, '..', 'peer-server.mjs');
export const ADMIN_URL = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const REDIS_URL = process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379';

/** Abuse limits raised for the bench's pods (the peer ignores them). */
export const BENCH_LIMITS = {
  RATE_LIMIT_MESSAGE_SEND: '10000000/10s',
  RATE_LIMIT_MESSAGE_CHANGE: '10000000/1m',
  RATE_LIMIT_REST: '10000000/1m',
  RATE_LIMIT_LOGIN_ADDRESS: '10000000/1m',
  RATE_LIMIT_REGISTER_ADDRESS: '10000000/1h',
  PASSWORD_HASH_QUEUE: '10000',
  SOCKETS_PER_USER: '100000',
};
const CLOCK_TICK_MS = 10; // USER_HZ is 100 on Linux

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

// Generous: two cores shared with other work, and pods in Kafka mode wait for their topics too.
const READY_TIMEOUT_MS = 90_000;

async function waitReady(proc) {
  const deadline = performance.now() + READY_TIMEOUT_MS;
  while (performance.now() < deadline) {
    if (proc.exited) throw new Error(`${proc.name} exited during start-up (log: ${proc.log})`);
    try {
      if ((await fetch(`${proc.url}/health/ready`)).ok) return;
    } catch {
      /* not yet */
    }
    await sleep(100);
  }
  throw new Error(`${proc.name} did not become ready within ${READY_TIMEOUT_MS / 1000} s (log: ${proc.log})`);
}

/** utime + stime of a process in milliseconds. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * CLOCK_TICK_MS;
}

/** utime + stime of each PostgreSQL server process on this machine (backends, WAL writer, checkpointer), in ms, by pid. */
export function postgresCpuMs() {
  const byPid = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres') byPid.set(entry, cpuMs(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return byPid;
}

/**
 * PostgreSQL's CPU between two postgresCpuMs() readings, in ms: the processes alive at the second reading, each from
 * its first reading (or its start). A process that exited in between (a pool's idle connection, another database's
 * backend) is left out instead of taking its whole past CPU off the sum.
 */
export function postgresCpuSince(before) {
  let total = 0;
  for (const [pid, ms] of postgresCpuMs()) total += ms - (before.get(pid) ?? 0);
  return total;
}

/** Resident set size of a process in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB/m.exec(status)[1]) * 1024;
}

/**
 * The sum of every series of a metric on a process's /metrics, or null when it has none. The pods inherit the bench's
 * environment: with METRICS_TOKEN set there, they want it as a bearer token.
 */
export async function metricValue(url, name) {
  const token = process.env.METRICS_TOKEN;
  const response = await fetch(`${url}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (!response.ok) throw new Error(`GET ${url}/metrics answered ${response.status}`);
  const text = await response.text();
  const series = [...text.matchAll(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'gm'))];
  return series.length ? series.reduce((sum, match) => sum + Number(match[1]), 0) : null;
}

/**
 * One fleet of server processes. kind 'ours' runs the product's pods on the bench database, 'peer' the peer server;
 * `label` names the processes (and their logs), `env` adds to their environment (KAFKA_BROKERS for the Kafka fleet).
 * ensure(n) starts or stops processes until exactly n run; kill(i) SIGKILLs one (reconnect storm).
 */
class Fleet {
  constructor(kind, bench, { label = kind, env = {} } = {}) {
    this.kind = kind;
    this.label = label;
    this.env = env;
    this.bench = bench;
    this.prefix = `bench-${randomBytes(4).toString('hex')}:`;
    this.procs = [];
    this.started = 0;
    this.inspect = false;
  }

  async ensure(count) {
    this.procs = this.procs.filter((proc) => !proc.exited);
    while (this.procs.length > count) await this.stop(this.procs.pop());
    const fresh = [];
    while (this.procs.length < count) {
      const proc = await this.spawn();
      this.procs.push(proc);
      fresh.push(proc);
    }
    await Promise.all(fresh.map(waitReady));
    return this.procs;
  }

  async spawn() {
    const port = await freePort();
    const index = this.started++;
    const name = `${this.label}-${index}`;
    const log = join(this.bench.logDir, `${name}.log`);
    const env = {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      REDIS_URL,
      REDIS_KEY_PREFIX: this.prefix,
      JWT_SECRET: this.bench.jwtSecret,
      POD_ID: `bench-${name}`,
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      // The load generator is a few users sending and connecting far beyond any person's pace, all
      // from one address: the abuse limits are raised for it (never off; docs/security.md).
      ...BENCH_LIMITS,
      ...this.env,
    };
    if (this.kind === 'ours') env.DATABASE_URL = this.bench.databaseUrl;
    const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
    if (this.inspect) nodeArgs.push('--inspect=127.0.0.1:0');
    const script = this.kind === 'ours' ? MAIN : PEER;
    const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(log);
    child.stdout.pipe(out);
    child.stderr.pipe(out);
    const proc = { name, child, pid: child.pid, url: `http://127.0.0.1:${port}`, log, exited: false };
    child.on('exit', () => (proc.exited = true));
    return proc;
  }

  async stop(proc, signal = 'SIGTERM') {
    if (proc.exited) return;
    const gone = new Promise((resolve) => proc.child.once('exit', resolve));
    proc.child.kill(signal);
    const timer = setTimeout(() => proc.child.kill('SIGKILL'), 8000);
    await gone;
    clearTimeout(timer);
  }

  /**
   * A full garbage collection in the process, through the inspector (processes started while `inspect` was set);
   * false when that is not possible.
   */
  async collectGarbage(proc) {
    const url = /ws:\/\/127\.0\.0\.1:\d+\/[\w-]+/.exec(readFileSync(proc.log, 'utf8'))?.[0];
    if (!url) return false;
    const ws = new WebSocket(url);
    try {
      await new Promise((resolve, reject) => {
        ws.onopen = resolve;
        ws.onerror = () => reject(new Error(`inspector of ${proc.name} refused`));
      });
      await new Promise((resolve) => {
        ws.onmessage = (event) => JSON.parse(event.data).id === 1 && resolve();
        ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' }));
      });
      return true;
    } finally {
      ws.close();
    }
  }

  /** SIGKILL process i and forget it. */
  async kill(i) {
    const [proc] = this.procs.splice(i, 1);
    await this.stop(proc, 'SIGKILL');
  }

  async stopAll() {
    await Promise.all(this.procs.map((proc) => this.stop(proc)));
    this.procs = [];
  }
}

/** One bench run's resources: the database, both fleets, and cleanup of all of it. */
export class Bench {
  constructor() {
    const id = randomBytes(4).toString('hex');
    this.dbName = `bench_${id}`;
    this.databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${this.dbName}`);
    this.jwtSecret = randomBytes(24).toString('hex');
    this.logDir = join(tmpdir(), `chat-bench-${id}`);
    mkdirSync(this.logDir, { recursive: true });
    this.ours = new Fleet('ours', this);
    this.peer = new Fleet('peer', this);
    this.kafka = null;
    this.broker = null;
    this.dbCreated = false;
  }

  /**
   * The fleet of our pods in Kafka mode (KAFKA_BROKERS, a topic prefix of this run), on the bench database; the first
   * call starts the broker (libs/test-harness/kafka/broker.mjs), which cleanup() stops.
   */
  async kafkaFleet() {
    if (!this.kafka) {
      this.broker = await BenchBroker.start(this.logDir);
      this.kafka = new Fleet('ours', this, {
        label: 'kafka',
        env: { KAFKA_BROKERS: this.broker.bootstrap, KAFKA_TOPIC_PREFIX: `${this.dbName}.` },
      });
    }
    return this.kafka;
  }

  async init() {
    const admin = new pg.Client({ connectionString: ADMIN_URL });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${this.dbName}`);
      this.dbCreated = true;
    } finally {
      await admin.end();
    }
    this.db = new pg.Pool({ connectionString: this.databaseUrl, max: 4 });
    this.db.on('error', () => undefined);
  }

  /** 'ours', 'peer' or (once kafkaFleet() started it) 'kafka'. */
  fleet(kind) {
    const fleet = { ours: this.ours, peer: this.peer, kafka: this.kafka }[kind];
    if (!fleet) throw new Error(`no fleet ${kind}`);
    return fleet;
  }

  async cleanup() {
    await Promise.allSettled([this.ours.stopAll(), this.peer.stopAll(), this.kafka?.stopAll()]);
    await this.broker?.stop().catch((error) => console.error(`could not stop the Kafka broker: ${error.message}`));
    await this.db?.end().catch(() => undefined);
    if (this.dbCreated) {
      const admin = new pg.Client({ connectionString: ADMIN_URL });
      try {
        await admin.connect();
        await admin.query(`DROP DATABASE IF EXISTS ${this.dbName} WITH (FORCE)`);
        this.dbCreated = false;
      } catch (error) {
        console.error(`could not drop ${this.dbName}: ${error.message}`);
      } finally {
        await admin.end().catch(() => undefined);
      }
    }
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      for (const prefix of [this.ours.prefix, this.peer.prefix, this.kafka?.prefix].filter(Boolean)) {
        let cursor = '0';
        do {
          const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
          cursor = next;
          if (keys.length) await redis.unlink(...keys);
        } while (cursor !== '0');
      }
    } catch (error) {
      console.error(`could not delete bench Redis keys: ${error.message}`);
    } finally {
      redis.disconnect();
    }
  }
}
