import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { ManagedProcess, freePort, onProcessExit, sleep } from '@chat/test-harness';

/**
 * The suite's own Redis and PostgreSQL servers, on free loopback ports, stopped and restarted on the
 * same port by the tests. Never the shared servers on 6379 / 5432.
 */

function run(command: string, args: string[], timeoutMs = 60_000): Promise<string> {
  return new Promise((resolveRun, reject) => {
    execFile(command, args, { timeout: timeoutMs, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (error) {
        reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`));
        return;
      }
      resolveRun(stdout);
    });
  });
}

export class RedisServer {
  private proc: ManagedProcess | null = null;

  private constructor(readonly port: number) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null && !this.proc.hasExited;
  }

  static async start(): Promise<RedisServer> {
    const server = new RedisServer(await freePort());
    await server.start();
    return server;
  }

  /** (Re)starts redis-server on this server's port and waits until it answers PING. */
  async start(): Promise<void> {
    if (this.running) throw new Error('redis-server is already running');
    this.proc = new ManagedProcess(
      `redis:${this.port}`,
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {},
    );
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (this.proc.hasExited) throw new Error(`redis-server exited at start:\n${this.proc.tail()}`);
      try {
        if ((await run('redis-cli', ['-p', String(this.port), 'ping'], 2_000)).trim() === 'PONG') return;
      } catch {
        // not up yet
      }
      await sleep(50);
    }
    throw new Error(`redis-server on ${this.port} did not answer PING:\n${this.proc.tail()}`);
  }

  /** Hard stop: SIGKILL. */
  async kill(): Promise<void> {
    if (!this.proc) return;
    await this.proc.kill();
    this.proc = null;
  }

  /** `redis-cli shutdown nosave`, then waits for the process to be gone. */
  async shutdown(): Promise<void> {
    if (!this.proc) return;
    await run('redis-cli', ['-p', String(this.port), 'shutdown', 'nosave'], 5_000).catch(() => undefined);
    await this.proc.exited;
    this.proc = null;
  }

  async dispose(): Promise<void> {
    await this.kill();
  }
}

function postgresBinDir(): string {
  const fromEnv = process.env['FAULTS_PG_BIN'];
  if (fromEnv) return fromEnv;
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((name) => /^\d+$/.test(name))
      .sort((a, b) => Number(b) - Number(a));
    for (const version of versions) {
      const bin = join(root, version, 'bin');
      if (existsSync(join(bin, 'initdb'))) return bin;
    }
  }
  throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql (set FAULTS_PG_BIN)');
}

const runningAsRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** PostgreSQL refuses to run as root: as root, run its tools as the postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return runningAsRoot ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function postgresIds(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

export class PostgresServer {
  private up = false;
  private frozen = false;
  private readonly forget: () => void;
  private readonly dataDir: string;

  private constructor(
    readonly port: number,
    readonly baseDir: string,
    private readonly bin: string,
  ) {
    this.dataDir = join(baseDir, 'data');
    this.forget = onProcessExit(() => {
      if (this.frozen) this.thaw();
      if (this.up) this.stopSync();
      rmSync(this.baseDir, { recursive: true, force: true });
    });
  }

  /** URL of the suite's database (created by start()). */
  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/chat`;
  }

  get running(): boolean {
    return this.up;
  }

  /** initdb into a fresh temp dir, start on a free port, create the `chat` database. */
  static async create(): Promise<PostgresServer> {
    const bin = postgresBinDir();
    const baseDir = mkdtempSync(join(tmpdir(), 'chat-faults-pg-'));
    const server = new PostgresServer(await freePort(), baseDir, bin);
    try {
      if (runningAsRoot) {
        const { uid, gid } = postgresIds();
        chownSync(baseDir, uid, gid);
      }
      const [command, args] = asPostgres(join(bin, 'initdb'), ['-D', server.dataDir, '-A', 'trust', '-U', 'postgres', '--no-sync']);
      await run(command, args, 120_000);
      await server.start();
      const admin = new Client({ connectionString: `postgres://postgres@127.0.0.1:${server.port}/postgres` });
      await admin.connect();
      try {
        await admin.query('CREATE DATABASE chat');
      } finally {
        await admin.end();
      }
      return server;
    } catch (error) {
      await server.dispose();
      throw error;
    }
  }

  /** Starts the cluster (again) on the same port; resolves once it accepts connections. */
  async start(): Promise<void> {
    const options = `-p ${this.port} -k ${this.baseDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
    const [command, args] = asPostgres(join(this.bin, 'pg_ctl'), [
      '-D',
      this.dataDir,
      '-l',
      join(this.baseDir, 'server.log'),
      '-o',
      options,
      '-w',
      '-t',
      '60',
      'start',
    ]);
    await run(command, args, 90_000);
    this.up = true;
  }

  /** `pg_ctl -m immediate stop`: every connection is cut at once, nothing is shut down cleanly. */
  async stop(): Promise<void> {
    const [command, args] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', '-w', 'stop']);
    await run(command, args, 60_000);
    this.up = false;
  }

  /**
   * Freezes the whole cluster (SIGSTOP to the postmaster and every backend): connections stay open and
   * the port still accepts TCP, but nothing answers — a hung database rather than a dead one.
   */
  freeze(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGSTOP');
    this.frozen = true;
  }

  thaw(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGCONT');
    this.frozen = false;
  }

  private pids(): number[] {
    const postmaster = Number(readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    let children = '';
    try {
      children = execFileSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' });
    } catch {
      // no children
    }
    return [postmaster, ...children.split('\n').filter(Boolean).map(Number)];
  }

  logTail(lines = 40): string {
    try {
      return readFileSync(join(this.baseDir, 'server.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no server log)';
    }
  }

  async dispose(): Promise<void> {
    try {
      if (this.frozen) this.thaw();
      if (this.up) await this.stop();
    } finally {
      rmSync(this.baseDir, { recursive: true, force: true });
      this.forget();
    }
  }

  private stopSync(): void {
    const [command, args] = asPostgres(join(this.bin, 'pg_ctl'), ['-D', this.dataDir, '-m', 'immediate', 'stop']);
    execFileSync(command, args, { stdio: 'ignore', timeout: 30_000 });
  }
}
