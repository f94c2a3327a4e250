import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';
import { HOST_CLEANUP_HOOK, sleep } from './env';

const LOG_LIMIT = 2_000;

// Processes still running are killed if the test process exits without its afterAll.
const leftovers = new Set<() => void>();
function cleanUpLeftovers(): void {
  for (const cleanup of leftovers) {
    try {
      cleanup();
    } catch {
      // best effort on the way out
    }
  }
  leftovers.clear();
}
// Inside jest, `process` is the test file's copy: its 'exit' never fires. The harness's jest environment
// runs the cleanup from the real process instead (on exit, SIGINT/SIGTERM/SIGHUP, and when the file is done).
const hostCleanup = (globalThis as Record<string, unknown>)[HOST_CLEANUP_HOOK];
if (typeof hostCleanup === 'function') hostCleanup(cleanUpLeftovers);
process.once('exit', cleanUpLeftovers);

/** Registers a synchronous last-resort cleanup (e.g. `killSync`); returns its deregistration. */
export function onProcessExit(cleanup: () => void): () => void {
  leftovers.add(cleanup);
  return () => leftovers.delete(cleanup);
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When the process exited (ms since the epoch). */
  at: number;
}

/**
 * A child process started by the tests in its own process group (so `npm start` and the node
 * process under it are stopped together), with its output kept for diagnostics. Killed (SIGKILL to
 * the group) if the test process exits while it still runs.
 */
export class ManagedProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<ExitInfo>;
  private readonly child: ChildProcess;
  private exitInfo: ExitInfo | null = null;
  private expectingExit = false;

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    options: SpawnOptions,
  ) {
    this.child = spawn(command, args, { ...options, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (stream: string) => (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim() === '') continue;
        this.logs.push(`[${this.name} ${stream}] ${line}`);
        if (this.logs.length > LOG_LIMIT) this.logs.shift();
      }
    };
    this.child.stdout?.on('data', keep('out'));
    this.child.stderr?.on('data', keep('err'));
    const forget = onProcessExit(() => this.killSync());
    this.exited = new Promise((resolveExit) => {
      this.child.once('exit', (code, signal) => {
        forget();
        this.exitInfo = { code, signal, at: Date.now() };
        if (!this.expectingExit) {
          this.logs.push(`[${this.name}] exited unexpectedly (code ${code}, signal ${signal})`);
        }
        resolveExit(this.exitInfo);
      });
      this.child.once('error', (err) => {
        forget();
        this.logs.push(`[${this.name}] failed to start: ${err.message}`);
        this.exitInfo = { code: -1, signal: null, at: Date.now() };
        resolveExit(this.exitInfo);
      });
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get hasExited(): boolean {
    return this.exitInfo !== null;
  }

  /**
   * SIGTERM to the whole process group, then waits until every process of the group is gone (with
   * `npm start` the leader exits at once while the server under it is still shutting down);
   * SIGKILL for whatever is left after `graceMs`.
   */
  async stop(graceMs = 10_000): Promise<ExitInfo & { killed: boolean }> {
    this.expectingExit = true;
    const deadline = Date.now() + graceMs;
    if (this.groupAlive()) this.signalGroup('SIGTERM');
    while (this.groupAlive() && Date.now() < deadline) await sleep(100);
    let killed = false;
    if (this.groupAlive()) {
      this.logs.push(`[${this.name}] still running ${graceMs} ms after SIGTERM, sending SIGKILL`);
      this.signalGroup('SIGKILL');
      killed = true;
    }
    return { ...(await this.exited), killed };
  }

  /** Hard crash: SIGKILL to the whole group, no chance to clean up. */
  async kill(): Promise<void> {
    this.expectingExit = true;
    this.signalGroup('SIGKILL');
    await this.exited;
    while (this.groupAlive()) await sleep(50);
  }

  /** Sends one signal to the leader alone (SIGSTOP to freeze, SIGTERM to drain a pod). */
  signal(signal: NodeJS.Signals): void {
    if (signal === 'SIGTERM' || signal === 'SIGKILL') this.expectingExit = true;
    if (this.child.pid !== undefined && !this.hasExited) process.kill(this.child.pid, signal);
  }

  /** For process exit handlers, which cannot wait: SIGKILL to the whole group. */
  killSync(): void {
    this.expectingExit = true;
    this.signalGroup('SIGKILL');
  }

  tail(lines = 80): string {
    return this.logs.slice(-lines).join('\n');
  }

  /** True while any process of the group (leader or anything it started) still exists. */
  private groupAlive(): boolean {
    const pid = this.child.pid;
    if (pid === undefined) return false;
    try {
      process.kill(-pid, 0);
      return true;
    } catch {
      return false;
    }
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // The group is already gone.
    }
  }
}

/** A TCP port that was free a moment ago (the OS picked it). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close();
        reject(new Error('no port'));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}
