import { rmSync } from 'node:fs';
import { prepareBroker, waitBrokerReady, type BrokerSetupOptions, type PreparedBroker } from '../kafka/broker.mjs';
import { sleep } from './env';
import { ManagedProcess, onProcessExit } from './processes';

/**
 * A real Apache Kafka broker for the suites: one JVM in KRaft combined mode (broker + controller), on
 * free loopback ports, with its own log dir under the OS temp dir. How it is set up and started
 * (server.properties, StorageTool format, the JVM's command line, the readiness probe) lives in
 * ../kafka/broker.mjs, which the performance suite uses too; this class supervises the JVM (pause,
 * restart, kill) for the suites. The jars come from Maven Central (libs/test-harness/kafka/pom.xml) via
 * scripts/fetch-kafka.mjs, which start() runs first (a no-op once they are cached; CI fetches them
 * before the tests). Java 17+ must be on the PATH (or JAVA_HOME).
 *
 * The Node client (@platformatic/kafka) ships ES modules only: it is loaded lazily, so importing
 * the harness does not need it, and a jest config whose suites use the broker transpiles it and
 * broker.mjs (see backend/jest.integration.config.cts).
 */

export interface KafkaBrokerOptions extends BrokerSetupOptions {
  /** How long start() and restart() wait for the broker to answer a metadata request; default 60 s. */
  readyTimeoutMs?: number;
}

export { kafkaLibsDir } from '../kafka/broker.mjs';

export class KafkaBroker {
  private proc: ManagedProcess | null = null;
  private paused = false;
  private disposed = false;
  private readonly forget: () => void;
  /** Milliseconds the last start() or restart() took from spawning the JVM to the first metadata answer. */
  lastStartMs = 0;

  /** PLAINTEXT listener for clients. */
  readonly port: number;
  /** CONTROLLER listener (KRaft quorum). */
  readonly controllerPort: number;
  /** Holds server.properties and the log dir (`data/`); deleted by stop(). */
  readonly dir: string;
  /** `host:port` for KAFKA_BROKERS and the clients' bootstrapBrokers. */
  readonly bootstrap: string;

  private constructor(
    private readonly setup: PreparedBroker,
    private readonly options: KafkaBrokerOptions,
  ) {
    this.port = setup.port;
    this.controllerPort = setup.controllerPort;
    this.dir = setup.dir;
    this.bootstrap = setup.bootstrap;
    this.forget = onProcessExit(() => {
      // ManagedProcess SIGKILLs the JVM itself; a frozen one must not stay frozen, and the dir goes.
      this.proc?.killSync();
      rmSync(this.dir, { recursive: true, force: true });
    });
  }

  /** Formats a fresh log dir and starts the broker on free ports; resolves once it answers a metadata request. */
  static async start(options: KafkaBrokerOptions = {}): Promise<KafkaBroker> {
    const broker = new KafkaBroker(await prepareBroker(options), options);
    try {
      await broker.launch();
      return broker;
    } catch (err) {
      await broker.stop();
      throw err;
    }
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

  /** Spawns `kafka.Kafka server.properties` and waits for its first metadata answer. */
  private async launch(): Promise<void> {
    if (this.running) throw new Error('the broker is already running');
    const started = Date.now();
    this.proc = new ManagedProcess(`kafka:${this.port}`, this.setup.command, this.setup.args, { cwd: this.dir });
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

  private waitReady(timeoutMs: number): Promise<void> {
    return waitBrokerReady(this.bootstrap, {
      timeoutMs,
      exited: () => !this.proc || this.proc.hasExited,
      tail: () => this.tail(),
    });
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
