// How a throw-away Apache Kafka broker is set up and started: one JVM in KRaft combined mode (broker + controller)
// on free loopback ports, with its own directory under the OS temp dir. Shared by the test harness
// (libs/test-harness/src/kafka.ts, which adds process supervision, pause and restart) and the performance suite
// (backend/bench/lib/kafka.mjs), so both run the same broker. Plain ES module: the bench runs it under node as is,
// jest transpiles it (see backend/jest.integration.config.cts). Types: broker.d.mts.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const KAFKA_DIR = fileURLToPath(new URL('.', import.meta.url));
const FETCH_SCRIPT = join(KAFKA_DIR, '..', 'scripts', 'fetch-kafka.mjs');
const LOG4J_CONFIG = join(KAFKA_DIR, 'log4j2.xml');
/** Node id of the single broker (also its controller id). */
export const NODE_ID = 1;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function run(command, args, timeoutMs) {
  return new Promise((resolve, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

/**
 * The directory of the broker's jars: IT_KAFKA_LIBS when set (e.g. the libs/ of an unpacked Kafka distribution),
 * else the cache that scripts/fetch-kafka.mjs fills (and fetches into when empty: the first time about a minute, from
 * Maven Central). The fetch runs in a child process: it blocks while Maven works.
 */
export async function kafkaLibsDir() {
  const fromEnv = process.env.IT_KAFKA_LIBS;
  if (fromEnv) return fromEnv;
  const stdout = await run(process.execPath, [FETCH_SCRIPT], 600_000);
  const dir = stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(dir)) throw new Error(`fetch-kafka.mjs printed no libs directory (got "${stdout}")`);
  return dir;
}

const javaBinary = () => (process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java');

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
function clusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

function jvmArgs(libs, heap) {
  return [
    `-Xmx${heap}`,
    '-Xms64m',
    // One small JVM for a few thousand records: the serial collector and the C1 compiler alone start it noticeably
    // faster on two shared cores.
    '-XX:+UseSerialGC',
    '-XX:TieredStopAtLevel=1',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
    '-cp',
    `${libs}/*`,
  ];
}

function serverProperties({ port, controllerPort, dir, partitions, properties }) {
  const entries = {
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': join(dir, 'data'),
    // The application creates its topics; a typo must not create another one.
    'auto.create.topics.enable': false,
    'num.partitions': partitions,
    'default.replication.factor': 1,
    'min.insync.replicas': 1,
    'offsets.topic.replication.factor': 1,
    'offsets.topic.num.partitions': 4,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'transaction.state.log.num.partitions': 4,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    'group.initial.rebalance.delay.ms': 0,
    'log.segment.bytes': 16 * 1024 * 1024,
    // After a SIGKILL the restarted node waits out its own old broker session before it is unfenced (9 s by default).
    'broker.session.timeout.ms': 3_000,
    'broker.heartbeat.interval.ms': 500,
    'num.network.threads': 2,
    'num.io.threads': 2,
    ...properties,
  };
  return Object.entries(entries)
    .map(([key, value]) => `${key}=${String(value)}\n`)
    .join('');
}

/**
 * Fetches the jars if needed, picks two free ports, writes server.properties into a fresh temp directory and formats
 * its log dir (StorageTool). Answers the ports, the directory (the caller deletes it) and the command line that
 * starts the broker; nothing runs yet. On failure the directory is already gone.
 */
export async function prepareBroker({ partitions = 8, properties = {}, heap = '512m' } = {}) {
  const libs = await kafkaLibsDir();
  let [port, controllerPort] = [0, 0];
  while (port === controllerPort) [port, controllerPort] = await Promise.all([freePort(), freePort()]);
  const dir = mkdtempSync(join(tmpdir(), 'chat-kafka-'));
  try {
    mkdirSync(dir, { recursive: true });
    const propertiesFile = join(dir, 'server.properties');
    writeFileSync(propertiesFile, serverProperties({ port, controllerPort, dir, partitions, properties }));
    const java = jvmArgs(libs, heap);
    await run(javaBinary(), [...java, 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', propertiesFile], 120_000);
    return {
      port,
      controllerPort,
      dir,
      bootstrap: `127.0.0.1:${port}`,
      command: javaBinary(),
      args: [...java, 'kafka.Kafka', propertiesFile],
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Polls with a metadata request until the broker lists itself (it is unfenced and serves clients). `exited()` says
 * whether the JVM is gone (then it fails at once), `tail()` gives its last output for the error message.
 */
export async function waitBrokerReady(bootstrap, { timeoutMs = 60_000, exited, tail }) {
  // The client ships ES modules only; loaded here, so importing this module does not need it.
  const { Admin } = await import('@platformatic/kafka');
  const deadline = Date.now() + timeoutMs;
  let lastError = null;
  while (Date.now() < deadline) {
    if (exited()) throw new Error(`the Kafka broker exited at start:\n${tail()}`);
    const admin = new Admin({
      clientId: 'broker-ready-probe',
      bootstrapBrokers: [bootstrap],
      retries: 0,
      connectTimeout: 1_000,
      requestTimeout: 2_000,
    });
    try {
      const metadata = await admin.metadata({ topics: [], forceUpdate: true });
      if (metadata.brokers.has(NODE_ID)) return;
      lastError = new Error('the broker does not list itself yet');
    } catch (error) {
      lastError = error;
    } finally {
      await admin.close().catch(() => undefined);
    }
    await sleep(200);
  }
  throw new Error(`the Kafka broker on ${bootstrap} did not answer within ${timeoutMs} ms (${String(lastError)}):\n${tail()}`);
}
