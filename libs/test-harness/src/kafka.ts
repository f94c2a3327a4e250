import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { REPO_ROOT, sleep } from './env';
import { ManagedProcess, freePort, onProcessExit } from './processes';

/**
 * A real Apache Kafka broker for the suites: one JVM in KRaft combined mode (broker + controller), on
 * free loopback ports, with its own log dir under the OS temp dir. The jars come from Maven Central
 * (libs/test-harness/kafka/pom.xml) via scripts/fetch-kafka.mjs, which start() runs first (a no-op
 * once they are cached; CI fetches them before the tests). Java 17+ must be on the PATH (or JAVA_HOME).
 *
 * The Node client (@platformatic/kafka) ships ES modules only: it is loaded lazily here, so importing
 * the harness does not need it, and a jest config whose suites use the broker transpiles it (see
 * backend/jest.integration.config.cts).
 */

const FETCH_SCRIPT = resolve(REPO_ROOT, 'libs/test-harness/scripts/fetch-kafka.mjs');
const LOG4J_CONFIG = resolve(REPO_ROOT, 'libs/test-harness/kafka/log4j2.xml');
/** Node id of the single broker (also its controller id). */
const NODE_ID = 1;

export interface KafkaBrokerOptions {
  /** Partitions of topics created without a count (`num.partitions`); default 8. */
  partitions?: number;
  /** More (or overriding) server.properties entries. */
  properties?: Record<string, string | number | boolean>;
  /** JVM maximum heap (`-Xmx`); default 512m. */
  heap?: string;
  /** How long start() and restart() wait for the broker to answer a metadata request; default 60 s. */
  readyTimeoutMs?: number;
}

function run(command: string, args: string[], timeoutMs: number): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        return;
      }
      resolveRun(stdout);
    });
  });
}

/**
 * The directory of the broker's jars: IT_KAFKA_LIBS when set (e.g. the libs/ of an unpacked Kafka
 * distribution), else the cache that scripts/fetch-kafka.mjs fills (and fetches into when empty: the
 * first time about a minute, from Maven Central).
 */
export async function kafkaLibsDir(): Promise<string> {
  const fromEnv = process.env['IT_KAFKA_LIBS'];
  if (fromEnv) return fromEnv;
  const stdout = await run(process.execPath, [FETCH_SCRIPT], 600_000);
  const dir = stdout.trim().split('\n').pop() ?? '';
  if (!existsSync(dir)) throw new Error(`fetch-kafka.mjs printed no libs directory (got "${stdout}")`);
  return dir;
}

function javaBinary(): string {
  const home = process.env['JAVA_HOME'];
  return home ? join(home, 'bin', 'java') : 'java';
}

/** A KRaft cluster id: 16 random bytes, base64url without padding (what `kafka-storage random-uuid` prints). */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

async function twoFreePorts(): Promise<[number, number]> {
  for (;;) {
    const [a, b] = await Promise.all([freePort(), freePort()]);
    if (a !== b) return [a, b];
  }
}

export class KafkaBroker {
  private proc: ManagedProcess | null = null;
  private paused = false;
  private disposed = false;
  private readonly forget: () => void;
  /** Milliseconds the last start() or restart() took from spawning the JVM to the first metadata answer. */
  lastStartMs = 0;

  private constructor(
    /** PLAINTEXT listener for clients. */
    readonly port: number,
    /** CONTROLLER listener (KRaft quorum). */
    readonly controllerPort: number,
    /** Holds server.properties and the log dir (`data/`); deleted by stop(). */
    readonly dir: string,
    private readonly libs: string,
    private readonly options: KafkaBrokerOptions,
  ) {
    this.forget = onProcessExit(() => {
      // ManagedProcess SIGKILLs the JVM itself; a frozen one must not stay frozen, and the dir goes.
      this.proc?.killSync();
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** Formats a fresh log dir and starts the broker on free ports; resolves once it answers a metadata request. */
  static async start(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
    const libs = await kafkaLibsDir();
    const [port, controllerPort] = await twoFreePorts();
    const dir = mkdtempSync(join(tmpdir(), 'chat-kafka-'));
    const broker = new KafkaBroker(port, controllerPort, dir, libs, options);
    try {
      broker.writeProperties();
      await run(
        javaBinary(),
        [...broker.jvmArgs(), 'kafka.tools.StorageTool', 'format', '-t', clusterId(), '-c', broker.propertiesFile],
        120_000,
      );
      await broker.launch();
      return broker;
    } catch (err) {
      await broker.stop();
      throw err;
    }
  }

  /** `host:port` for KAFKA_BROKERS and the clients' bootstrapBrokers. */
  get bootstrap(): string {
    return `127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null && !this.proc.hasExited;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Clean shutdown (SIGTERM, SIGKILL after `graceMs`), then the log dir is deleted. Safe to call twice. */
  async stop(graceMs = 15_000): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    try {
      await this.halt(graceMs);
    } finally {
      rmSync(this.dir, { recursive: true, force: true });
      this.forget();
    }
  }

  /** Hard crash: SIGKILL, nothing flushed. The log dir stays, so restart() brings the same broker back. */
  async kill(): Promise<void> {
    if (!this.proc) return;
    this.paused = false;
    await this.proc.kill();
    this.proc = null;
  }

  /**
   * Stops the broker (cleanly, or with SIGKILL when `hard`) if it runs, and starts it again on the same
   * ports and log dir: topics, committed offsets and producer state survive. Resolves once it answers.
   */
  async restart(options: { hard?: boolean; downMs?: number } = {}): Promise<void> {
    if (this.disposed) throw new Error('the broker was stopped for good');
    if (options.hard) await this.kill();
    else await this.halt(15_000);
    if (options.downMs) await sleep(options.downMs);
    await this.launch();
  }

  /** Freezes the JVM (SIGSTOP): connections stay open, nothing answers — a hung broker rather than a dead one. */
  pause(): void {
    if (!this.running || this.paused) return;
    this.proc?.signal('SIGSTOP');
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.proc?.signal('SIGCONT');
    this.paused = false;
  }

  /** The broker's last output lines (WARN and above, plus its "started" line). */
  tail(lines = 80): string {
    return this.proc?.tail(lines) ?? '(broker not running)';
  }

  private get propertiesFile(): string {
    return join(this.dir, 'server.properties');
  }

  private jvmArgs(): string[] {
    return [
      `-Xmx${this.options.heap ?? '512m'}`,
      '-Xms64m',
      // One small JVM for a few thousand records: the serial collector and the C1 compiler alone start
      // it noticeably faster on two shared cores.
      '-XX:+UseSerialGC',
      '-XX:TieredStopAtLevel=1',
      '-XX:+ExitOnOutOfMemoryError',
      '-Djava.awt.headless=true',
      `-Dlog4j2.configurationFile=${LOG4J_CONFIG}`,
      '-cp',
      `${this.libs}/*`,
    ];
  }

  private writeProperties(): void {
    const properties: Record<string, string | number | boolean> = {
      'process.roles': 'broker,controller',
      'node.id': NODE_ID,
      'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${this.controllerPort}`,
      listeners: `PLAINTEXT://127.0.0.1:${this.port},CONTROLLER://127.0.0.1:${this.controllerPort}`,
      'advertised.listeners': `PLAINTEXT://127.0.0.1:${this.port}`,
      'controller.listener.names': 'CONTROLLER',
      'inter.broker.listener.name': 'PLAINTEXT',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
      'log.dirs': join(this.dir, 'data'),
      // The application creates its topics; a typo must not create another one.
      'auto.create.topics.enable': false,
      'num.partitions': this.options.partitions ?? 8,
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
      // After a SIGKILL the restarted node waits out its own old broker session before it is unfenced
      // (9 s by default).
      'broker.session.timeout.ms': 3_000,
      'broker.heartbeat.interval.ms': 500,
      'num.network.threads': 2,
      'num.io.threads': 2,
      ...this.options.properties,
    };
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(
      this.propertiesFile,
      Object.entries(properties)
        .map(([key, value]) => `${key}=${String(value)}\n`)
        .join(''),
    );
  }

  /** Spawns `kafka.Kafka server.properties` and waits for its first metadata answer. */
  private async launch(): Promise<void> {
    if (this.running) throw new Error('the broker is already running');
    const started = Date.now();
    this.proc = new ManagedProcess(`kafka:${this.port}`, javaBinary(), [...this.jvmArgs(), 'kafka.Kafka', this.propertiesFile], {
      cwd: this.dir,
    });
    await this.waitReady(this.options.readyTimeoutMs ?? 60_000);
    this.lastStartMs = Date.now() - started;
  }

  /** SIGTERM (the broker shuts down cleanly: controlled shutdown, logs flushed), SIGKILL after `graceMs`. */
  private async halt(graceMs: number): Promise<void> {
    if (!this.proc) return;
    this.resume();
    await this.proc.stop(graceMs);
    this.proc = null;
  }

  /** Polls with a metadata request until the broker lists itself (it is unfenced and serves clients). */
  private async waitReady(timeoutMs: number): Promise<void> {
    const { Admin } = await import('@platformatic/kafka');
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown = null;
    while (Date.now() < deadline) {
      const proc = this.proc;
      if (!proc || proc.hasExited) throw new Error(`the Kafka broker exited at start:\n${this.tail()}`);
      const admin = new Admin({
        clientId: 'harness-ready-probe',
        bootstrapBrokers: [this.bootstrap],
        retries: 0,
        connectTimeout: 1_000,
        requestTimeout: 2_000,
      });
      try {
        const metadata = await admin.metadata({ topics: [], forceUpdate: true });
        if (metadata.brokers.has(NODE_ID)) return;
        lastError = new Error('the broker does not list itself yet');
      } catch (err) {
        lastError = err;
      } finally {
        await admin.close().catch(() => undefined);
      }
      await sleep(200);
    }
    throw new Error(`the Kafka broker on ${this.bootstrap} did not answer within ${timeoutMs} ms (${String(lastError)}):\n${this.tail()}`);
  }
}

/**
 * Jest hooks for the current describe block: beforeAll starts a broker, afterAll stops it and deletes
 * its log dir. Returns an accessor for the tests (and later hooks).
 */
export function useKafkaBroker(options: KafkaBrokerOptions = {}): () => KafkaBroker {
  let broker: KafkaBroker | undefined;
  beforeAll(async () => {
    broker = await KafkaBroker.start(options);
  }, 660_000);
  afterAll(async () => {
    await broker?.stop();
  }, 60_000);
  return () => {
    if (!broker) throw new Error('the Kafka broker did not start (see the beforeAll failure)');
    return broker;
  };
}
