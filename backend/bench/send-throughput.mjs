// Send-path benchmark: N clients on P pods send M messages each into shared rooms as fast as acks come
// back; reports acked messages per second, ack latency percentiles and pod memory. Runs each scenario
// twice: with group commit (default settings) and with it off (one transaction per message), and prints
// their ratio, which is stable on a noisy machine where absolute figures are not.
//   npm run bench                       (needs PostgreSQL on 127.0.0.1:5432 and Redis on 6379)
//   BENCH_CLIENTS=50 BENCH_MESSAGES=200 BENCH_PODS=2 npm run bench
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { io } from 'socket.io-client';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'dist', 'backend', 'main.js');
const CLIENTS = Number(process.env.BENCH_CLIENTS ?? 40);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 100);
const PODS = Number(process.env.BENCH_PODS ?? 2);
const ROOMS = Number(process.env.BENCH_ROOMS ?? 4);
const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 8);
const ADMIN_URL = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379';

const freePort = () =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

async function waitReady(url) {
  for (let i = 0; i < 150; i += 1) {
    try {
      if ((await fetch(`${url}/health/ready`)).ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} did not become ready`);
}

async function post(base, path, body, token) {
  const response = await fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

async function scenario(name, extraEnv) {
  const db = `bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${db}`);
  const prefix = `bench-${randomBytes(3).toString('hex')}:`;
  const jwtSecret = randomBytes(24).toString('hex');
  const pods = [];
  try {
    for (let i = 0; i < PODS; i += 1) {
      const port = await freePort();
      // BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" profiles the pods.
      const nodeArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
      const child = spawn(process.execPath, [...nodeArgs, main], {
        env: {
          ...process.env,
          NODE_ENV: 'production',
          PORT: String(port),
          DATABASE_URL: ADMIN_URL.replace(/\/[^/]*$/, `/${db}`),
          REDIS_URL,
          REDIS_KEY_PREFIX: prefix,
          JWT_SECRET: jwtSecret,
          POD_ID: `bench-${i}`,
          LOG_LEVEL: 'warn',
          LOG_FORMAT: 'json',
          ...extraEnv,
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      pods.push({ child, url: `http://127.0.0.1:${port}` });
    }
    await Promise.all(pods.map((pod) => waitReady(pod.url)));
    const owner = await post(pods[0].url, '/api/auth/register', {
      username: `owner${randomBytes(3).toString('hex')}`,
      password: 'benchmark-pw',
    });
    const rooms = [];
    for (let r = 0; r < ROOMS; r += 1) {
      rooms.push((await post(pods[0].url, '/api/rooms', { name: `bench ${r}`, visibility: 'public' }, owner.accessToken)).id);
    }
    const clients = [];
    for (let c = 0; c < CLIENTS; c += 1) {
      const pod = pods[c % pods.length];
      const user = await post(pod.url, '/api/auth/register', {
        username: `u${c}${randomBytes(3).toString('hex')}`,
        password: 'benchmark-pw',
      });
      const roomId = rooms[c % rooms.length];
      await post(pod.url, `/api/rooms/${roomId}/join`, {}, user.accessToken);
      const socket = io(pod.url, { auth: { token: user.accessToken }, transports: ['websocket'] });
      await new Promise((resolve, reject) => {
        socket.once('session:ready', resolve);
        socket.once('connect_error', reject);
      });
      clients.push({ socket, roomId });
    }
    const latencies = [];
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async ({ socket, roomId }, c) => {
        let next = 0;
        const worker = async () => {
          while (next < MESSAGES) {
            const n = next++;
            const t0 = performance.now();
            const ack = await socket
              .timeout(30_000)
              .emitWithAck('message:send', { roomId, clientMsgId: `b${c}-${n}`, body: `message ${n} from ${c}` });
            if (ack.ok) latencies.push(performance.now() - t0);
            else failures += 1;
          }
        };
        await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rss = [];
    for (const pod of pods) {
      const metrics = await (await fetch(`${pod.url}/metrics`)).text();
      rss.push(Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)?.[1] ?? 0) / 1024 / 1024);
    }
    for (const { socket } of clients) socket.close();
    latencies.sort((a, b) => a - b);
    const verify = new pg.Client({ connectionString: ADMIN_URL.replace(/\/[^/]*$/, `/${db}`) });
    await verify.connect();
    const stored = (await verify.query('SELECT count(*)::int AS n, count(DISTINCT (room_id, seq))::int AS distinct_seqs FROM messages'))
      .rows[0];
    await verify.end();
    return {
      name,
      acked: latencies.length,
      failures,
      stored: stored.n,
      seconds,
      perSecond: latencies.length / seconds,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      rssMb: rss,
    };
  } finally {
    for (const pod of pods) pod.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1500));
    await admin.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`);
    await admin.end();
  }
}

const total = CLIENTS * MESSAGES;
console.log(`send benchmark: ${PODS} pods, ${CLIENTS} clients x ${MESSAGES} messages (${IN_FLIGHT} in flight each), ${ROOMS} rooms`);
const grouped = await scenario('group commit (default)', {});
if (process.env.BENCH_ONLY_DEFAULT) {
  console.log(`${grouped.perSecond.toFixed(0)} msg/s p50 ${grouped.p50.toFixed(1)} ms p99 ${grouped.p99.toFixed(1)} ms`);
  process.exit(0);
}
const single = await scenario('one transaction per message', { WRITE_BATCH_MAX: '1', WRITE_BATCH_WINDOW_MS: '0', WRITE_CONCURRENCY: '8' });
for (const r of [grouped, single]) {
  console.log(
    `${r.name.padEnd(30)} ${r.perSecond.toFixed(0).padStart(7)} msg/s  p50 ${r.p50.toFixed(1)} ms  p99 ${r.p99.toFixed(1)} ms  ` +
      `acked ${r.acked}/${total}  stored ${r.stored}  failures ${r.failures}  pod RSS ${r.rssMb.map((m) => m.toFixed(0)).join('/')} MiB`,
  );
}
console.log(`group commit speed-up: ${(grouped.perSecond / single.perSecond).toFixed(2)}x`);
if (grouped.acked !== grouped.stored || single.acked !== single.stored || grouped.failures || single.failures) {
  console.error('Some sends failed, or acknowledged and stored messages differ');
  process.exit(1);
}
