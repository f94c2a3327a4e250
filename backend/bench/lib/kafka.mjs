// The Apache Kafka broker of the kafka scenario: the test harness's set-up (libs/test-harness/kafka/broker.mjs: the
// same jars, KRaft combined mode, free loopback ports, a fresh temp directory), run by the bench with its output in
// the bench's log directory. stop() ends the JVM (SIGTERM, SIGKILL after 15 s) and deletes the directory; a bench
// that exits without its cleanup still SIGKILLs the JVM and deletes the directory on the way out.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { prepareBroker, waitBrokerReady } from '../../../libs/test-harness/kafka/broker.mjs';

export class BenchBroker {
  /** Formats and starts a broker; resolves once it answers a metadata request. */
  static async start(logDir) {
    const started = performance.now();
    const setup = await prepareBroker({ heap: '768m' });
    const broker = new BenchBroker(setup, join(logDir, 'kafka.log'));
    try {
      await waitBrokerReady(setup.bootstrap, {
        timeoutMs: 120_000,
        exited: () => broker.exited,
        tail: () => broker.tail(),
      });
    } catch (error) {
      await broker.stop();
      throw error;
    }
    console.log(`  kafka: broker on ${setup.bootstrap} in ${((performance.now() - started) / 1000).toFixed(1)} s (log: ${broker.log})`);
    return broker;
  }

  constructor(setup, log) {
    this.bootstrap = setup.bootstrap;
    this.dir = setup.dir;
    this.log = log;
    this.exited = false;
    this.child = spawn(setup.command, setup.args, { cwd: setup.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = createWriteStream(log);
    this.child.stdout.pipe(out);
    this.child.stderr.pipe(out);
    this.child.on('exit', () => (this.exited = true));
    this.child.on('error', () => (this.exited = true));
    this.lastResort = () => {
      if (!this.exited) this.child.kill('SIGKILL');
      rmSync(this.dir, { recursive: true, force: true });
    };
    process.once('exit', this.lastResort);
  }

  tail(lines = 40) {
    try {
      return readFileSync(this.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
    } catch {
      return '(no broker output)';
    }
  }

  /** Clean shutdown, then the directory goes. Safe to call twice. */
  async stop() {
    if (!this.exited) {
      const gone = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(this.dir, { recursive: true, force: true });
    process.removeListener('exit', this.lastResort);
  }
}
