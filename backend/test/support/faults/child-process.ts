import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { createServer } from 'node:net';

const LOG_LIMIT = 2_000;

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * A server process the fault suite started, in its own process group, with its output kept for the
 * failure report. Adapted from ../processes.ts: the fault tests also send single signals (SIGTERM to
 * the pod alone for a drain) and need the exact exit code and time.
 */
export class FaultProcess {
  readonly logs: string[] = [];
  readonly exited: Promise<ExitInfo & { at: number }>;
  private readonly child: ChildProcess;
  private exitInfo: (ExitInfo & { at: number }) | null = null;

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
    this.exited = new Promise((resolveExit) => {
      this.child.once('exit', (code, signal) => {
        this.exitInfo = { code, signal, at: Date.now() };
        this.logs.push(`[${this.name}] exited (code ${code}, signal ${signal})`);
        resolveExit(this.exitInfo);
      });
      this.child.once('error', (err) => {
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

  /** Sends `signal` to the process itself (not its group). */
  signal(signal: NodeJS.Signals): void {
    if (this.child.pid !== undefined && !this.hasExited) process.kill(this.child.pid, signal);
  }

  /** SIGKILL to the whole group; resolves once the process is gone. */
  async kill(): Promise<void> {
    this.signalGroup('SIGKILL');
    await this.exited;
  }

  /** SIGTERM, then SIGKILL after `graceMs`. */
  async stop(graceMs: number): Promise<void> {
    if (this.hasExited) return;
    this.signalGroup('SIGTERM');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
    this.signalGroup('SIGKILL');
  }

  /** For process exit handlers: no waiting. */
  killSync(): void {
    this.signalGroup('SIGKILL');
  }

  tail(lines = 60): string {
    return this.logs.slice(-lines).join('\n');
  }

  private signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }
}

/** A loopback TCP port that was free a moment ago (the OS picked it). */
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
