import { existsSync } from 'node:fs';
import { BACKEND_MAIN, FRONTEND_INDEX, READY_TIMEOUT_MS, REDIS_URL, REPO_ROOT, TEST_POD_LIMITS, failedSoFar, randomId } from './env';
import { waitUntilReady } from './probes';
import { ManagedProcess, freePort, type ExitInfo } from './processes';
import { deleteKeysWithPrefix } from './redis';

/** Grace between SIGTERM and SIGKILL when a cluster is stopped. */
export const POD_STOP_GRACE_MS = 10_000;

/**
 * One backend process (node dist/backend/main.js) that keeps its id, port and environment across
 * restarts, so clients and load balancers that know its address find it again. Its logs are kept
 * across restarts too.
 */
export class Pod {
  private proc: ManagedProcess | null = null;
  /** Logs of earlier incarnations of this pod (a restarted pod gets a fresh process). */
  private readonly pastLogs: string[] = [];

  constructor(
    readonly podId: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
    private readonly readyTimeoutMs = READY_TIMEOUT_MS,
  ) {}

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.proc !== null && !this.proc.hasExited;
  }

  get pid(): number | undefined {
    return this.proc?.pid;
  }

  /** Starts the process (again, on the same port) and waits until /health/ready is 200. */
  async start(): Promise<void> {
    await this.ready(this.spawn());
  }

  /** Stops the pod (SIGTERM, then SIGKILL after the grace) and starts it again on the same port. */
  async restart(graceMs = POD_STOP_GRACE_MS): Promise<void> {
    await this.stop(graceMs);
    await this.start();
  }

  /** Freezes the process (SIGSTOP): its connections stay open but nothing is answered. */
  freeze(): void {
    this.current().signal('SIGSTOP');
  }

  /** Thaws a frozen process (SIGCONT). */
  resume(): void {
    this.current().signal('SIGCONT');
  }

  /** Hard crash: SIGKILL, no drain; resolves once the process is gone. */
  async kill(): Promise<void> {
    if (this.running) await this.current().kill();
  }

  /** Sends SIGTERM to the pod only; the returned promise settles when the process exits (with when). */
  terminate(): Promise<ExitInfo> {
    const proc = this.current();
    proc.signal('SIGTERM');
    return proc.exited;
  }

  /** Ends whatever is left: SIGTERM, then SIGKILL after `graceMs`; `killed` says whether SIGKILL was needed. */
  async stop(graceMs = POD_STOP_GRACE_MS): Promise<{ killed: boolean }> {
    if (!this.running) return { killed: false };
    const { killed } = await this.current().stop(graceMs);
    return { killed };
  }

  /** Every log line of every incarnation, oldest first. */
  logs(): string[] {
    return [...this.pastLogs, ...(this.proc?.logs ?? [])];
  }

  tail(lines = 80): string {
    return this.logs().slice(-lines).join('\n');
  }

  /** Log lines at pino level error or fatal (50, 60), and stderr lines that are not JSON (crashes). */
  problems(): string[] {
    return this.logs().filter((line) => {
      const json = line.indexOf('{');
      if (json < 0) return line.includes(' err] ');
      try {
        const parsed = JSON.parse(line.slice(json)) as { level?: unknown };
        return typeof parsed.level === 'number' && parsed.level >= 50;
      } catch {
        return line.includes(' err] ');
      }
    });
  }

  /** Starts the process without waiting for it (see ready()); a cluster starts several at once this way. */
  spawn(): ManagedProcess {
    if (this.running) throw new Error(`${this.podId} is already running`);
    if (this.proc) this.pastLogs.push(...this.proc.logs);
    this.proc = new ManagedProcess(this.podId, process.execPath, [BACKEND_MAIN], { cwd: REPO_ROOT, env: this.env });
    return this.proc;
  }

  ready(proc: ManagedProcess = this.current()): Promise<void> {
    return waitUntilReady(this.baseUrl, proc, this.readyTimeoutMs);
  }

  private current(): ManagedProcess {
    if (!this.proc) throw new Error(`${this.podId} was never started`);
    return this.proc;
  }
}

export interface ClusterOptions {
  databaseUrl: string;
  pods: number;
  /** Redis of the pods; default the shared one, under a fresh key prefix whose keys stop() deletes. */
  redisUrl?: string;
  /** Pod ids are `${name}-pod-a`, `${name}-pod-b`, …; default `it-<random>`. */
  name?: string;
  /** Extra or overriding environment for every pod (on top of TEST_POD_LIMITS). */
  env?: Record<string, string>;
  /** Fail early unless the client is built too (dist/frontend), for suites that load it. */
  requireClient?: boolean;
  /**
   * Start the first pods one after the other (the first runs the migrations) instead of all at once
   * (which exercises concurrent start-up migrations).
   */
  oneByOne?: boolean;
  readyTimeoutMs?: number;
  /** Grace between SIGTERM and SIGKILL in stop(). */
  stopGraceMs?: number;
}

/** Only what a pod needs from the outside world: nothing of the caller's environment that could switch its mode. */
const PASSED_THROUGH = ['PATH', 'HOME', 'LANG', 'TZ'];

/**
 * Pods of dist/backend/main.js on one database, one Redis and key prefix and one JWT secret, so a
 * client can move from one to another.
 */
export class Cluster {
  readonly pods: Pod[] = [];
  readonly redisKeyPrefix: string;
  readonly jwtSecret: string;
  private readonly name: string;
  private readonly afterStop: Array<() => Promise<void>> = [];
  private logsPrinted = false;

  constructor(private readonly options: ClusterOptions) {
    const run = randomId(4);
    this.name = options.name ?? `it-${run}`;
    this.redisKeyPrefix = `it-${run}:`;
    this.jwtSecret = `it-secret-${randomId(16)}`;
  }

  get urls(): string[] {
    return this.pods.map((pod) => pod.baseUrl);
  }

  /** `pods[index]`, failing loudly instead of yielding undefined. */
  pod(index: number): Pod {
    const pod = this.pods[index];
    if (!pod) throw new Error(`no pod ${index} (of ${this.pods.length})`);
    return pod;
  }

  /** Starts one more pod on the same database and Redis prefix and waits until it is ready. */
  async addPod(): Promise<Pod> {
    const pod = await this.createPod();
    await pod.start();
    return pod;
  }

  /** Runs `cleanup` after the pods are stopped (e.g. dropping the database they used). */
  onStop(cleanup: () => Promise<void>): void {
    this.afterStop.push(cleanup);
  }

  /** Error-level log lines of every pod and the last `lines` lines of each pod's logs. */
  logReport(lines = 150): string {
    const parts: string[] = [];
    const problems = this.pods.flatMap((pod) => pod.problems());
    if (problems.length) parts.push(`----- error-level pod log lines -----\n${problems.slice(-40).join('\n')}`);
    for (const pod of this.pods) {
      const logs = pod.logs();
      parts.push(
        `----- logs of ${pod.podId} (${pod.baseUrl}): ${logs.length} lines, last ${lines} -----\n${logs.slice(-lines).join('\n')}`,
      );
    }
    return parts.join('\n');
  }

  /** Prints logReport() to stderr (once per cluster: stop() does not print it again). */
  printLogs(lines = 150): void {
    this.logsPrinted = true;
    process.stderr.write(`\n${this.logReport(lines)}\n`);
  }

  /**
   * Stops every pod (SIGTERM, then SIGKILL), prints their logs if a test of the file failed or a pod
   * had to be killed, deletes the Redis keys of the prefix (shared Redis only) and runs onStop cleanups.
   */
  async stop(): Promise<void> {
    try {
      const results = await Promise.all(this.pods.map((pod) => pod.stop(this.options.stopGraceMs)));
      if (!this.logsPrinted && (failedSoFar() || results.some((result) => result.killed))) this.printLogs();
      if (this.options.redisUrl === undefined) await deleteKeysWithPrefix(this.redisKeyPrefix);
    } finally {
      for (const cleanup of this.afterStop.splice(0)) await cleanup();
    }
  }

  /** Starts options.pods pods; see ClusterOptions.oneByOne. */
  async startPods(): Promise<void> {
    const created: Pod[] = [];
    for (let i = 0; i < this.options.pods; i += 1) created.push(await this.createPod());
    if (this.options.oneByOne) {
      for (const pod of created) await pod.start();
    } else {
      const started = created.map((pod) => ({ pod, proc: pod.spawn() }));
      await Promise.all(started.map(({ pod, proc }) => pod.ready(proc)));
    }
  }

  private async createPod(): Promise<Pod> {
    const port = await freePort();
    const podId = `${this.name}-pod-${String.fromCharCode(97 + this.pods.length)}`;
    const env: NodeJS.ProcessEnv = {};
    for (const key of PASSED_THROUGH) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    const pod = new Pod(
      podId,
      port,
      {
        ...env,
        NODE_ENV: 'production',
        LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        ...TEST_POD_LIMITS,
        ...this.options.env,
        PORT: String(port),
        POD_ID: podId,
        DATABASE_URL: this.options.databaseUrl,
        REDIS_URL: this.options.redisUrl ?? REDIS_URL,
        REDIS_KEY_PREFIX: this.redisKeyPrefix,
        JWT_SECRET: this.jwtSecret,
      },
      this.options.readyTimeoutMs,
    );
    this.pods.push(pod);
    return pod;
  }
}

/** Starts a cluster of `options.pods` pods and waits until each is ready; stops it again if one fails to start. */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  for (const file of options.requireClient ? [BACKEND_MAIN, FRONTEND_INDEX] : [BACKEND_MAIN]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npx nx run-many -t build -p backend frontend" first`);
  }
  const cluster = new Cluster(options);
  try {
    await cluster.startPods();
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
