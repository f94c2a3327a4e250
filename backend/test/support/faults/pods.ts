import { existsSync } from 'node:fs';
import { BACKEND_MAIN, type ExitInfo, ManagedProcess, REPO_ROOT, freePort, onProcessExit, randomId, sleep } from '@chat/test-harness';

export interface PodSettings {
  databaseUrl: string;
  redisUrl: string;
  redisKeyPrefix: string;
  jwtSecret: string;
  /** Extra or overriding environment for every pod (e.g. SOCKET_MAX_BACKLOG_BYTES). */
  env?: Record<string, string>;
}

/** Defaults of the fault suite: short bounds so outages show within seconds. */
export const FAULT_POD_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
  SHUTDOWN_GRACE_MS: '10000',
  DRAIN_SPREAD_MS: '1500',
  DB_STATEMENT_TIMEOUT_MS: '1500',
};

/** One backend process (node dist/backend/main.js) that keeps its port across restarts. */
export class FaultPod {
  private proc: ManagedProcess | null = null;
  /** Logs of earlier incarnations of this pod (a restarted pod gets a fresh process). */
  private readonly pastLogs: string[] = [];

  constructor(
    readonly podId: string,
    readonly port: number,
    private readonly env: NodeJS.ProcessEnv,
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
    if (this.running) throw new Error(`${this.podId} is already running`);
    if (this.proc) this.pastLogs.push(...this.proc.logs);
    const proc = new ManagedProcess(this.podId, process.execPath, [BACKEND_MAIN], { cwd: REPO_ROOT, env: this.env });
    this.proc = proc;
    const deadline = Date.now() + 60_000;
    let last = 0;
    while (Date.now() < deadline) {
      if (proc.hasExited) throw new Error(`${this.podId} exited before it was ready:\n${proc.tail()}`);
      last = await probe(this.baseUrl, '/health/ready', 2_000);
      if (last === 200) return;
      await sleep(100);
    }
    throw new Error(`${this.podId} not ready within 60 s (last status ${last}):\n${proc.tail()}`);
  }

  /** Freezes the process (SIGSTOP): its connections stay open but nothing is answered. */
  freeze(): void {
    this.requireProcess().signal('SIGSTOP');
  }

  /** Hard crash: SIGKILL, no drain. */
  async kill(): Promise<void> {
    if (this.proc && !this.proc.hasExited) await this.proc.kill();
  }

  /** Sends SIGTERM to the pod only; the returned promise settles when the process exits (with when). */
  terminate(): Promise<ExitInfo> {
    const proc = this.requireProcess();
    proc.signal('SIGTERM');
    return proc.exited;
  }

  killSync(): void {
    this.proc?.killSync();
  }

  /** Ends whatever is left: SIGTERM, then SIGKILL after a short grace. */
  async dispose(): Promise<void> {
    if (this.proc && !this.proc.hasExited) await this.proc.stop(3_000);
  }

  logs(): string[] {
    return [...this.pastLogs, ...(this.proc?.logs ?? [])];
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

  private requireProcess(): ManagedProcess {
    if (!this.proc) throw new Error(`${this.podId} was never started`);
    return this.proc;
  }
}

/** The suite's pods: same database, Redis, key prefix and JWT secret; started and stopped one by one. */
export class PodFleet {
  readonly pods: FaultPod[] = [];
  private readonly forget: () => void;

  constructor(private readonly settings: PodSettings) {
    if (!existsSync(BACKEND_MAIN)) {
      throw new Error(`${BACKEND_MAIN} is missing: run "npx nx build backend" first`);
    }
    this.forget = onProcessExit(() => {
      for (const pod of this.pods) pod.killSync();
    });
  }

  /** Creates `count` pods and starts them one after the other (the first runs the migrations). */
  async add(count: number, env: Record<string, string> = {}): Promise<FaultPod[]> {
    const created: FaultPod[] = [];
    for (let i = 0; i < count; i += 1) {
      const port = await freePort();
      const podId = `fault-${String.fromCharCode(97 + this.pods.length)}-${randomId(2)}`;
      const pod = new FaultPod(podId, port, this.podEnv(podId, port, env));
      this.pods.push(pod);
      created.push(pod);
    }
    for (const pod of created) await pod.start();
    return created;
  }

  get urls(): string[] {
    return this.pods.map((pod) => pod.baseUrl);
  }

  async dispose(): Promise<void> {
    await Promise.all(this.pods.map((pod) => pod.dispose()));
    this.forget();
  }

  private podEnv(podId: string, port: number, extra: Record<string, string>): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    // Only what a pod needs from the outside world; nothing that could switch its mode.
    for (const key of ['PATH', 'HOME', 'LANG', 'TZ']) {
      const value = process.env[key];
      if (value !== undefined) env[key] = value;
    }
    return {
      ...env,
      ...FAULT_POD_ENV,
      ...this.settings.env,
      ...extra,
      PORT: String(port),
      POD_ID: podId,
      DATABASE_URL: this.settings.databaseUrl,
      REDIS_URL: this.settings.redisUrl,
      REDIS_KEY_PREFIX: this.settings.redisKeyPrefix,
      JWT_SECRET: this.settings.jwtSecret,
    };
  }
}

/** GET a health route; returns the status (0 when nothing answered). */
export async function probe(baseUrl: string, path: '/health/live' | '/health/ready', timeoutMs = 3_000): Promise<number> {
  try {
    const res = await fetch(`${baseUrl}${path}`, { signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    return res.status;
  } catch {
    return 0;
  }
}

/** Polls until `path` answers `status`; fails with the last answer. */
export async function waitForStatus(
  baseUrl: string,
  path: '/health/live' | '/health/ready',
  status: number,
  timeoutMs: number,
): Promise<number> {
  const started = Date.now();
  let last = -1;
  while (Date.now() - started < timeoutMs) {
    last = await probe(baseUrl, path);
    if (last === status) return Date.now() - started;
    await sleep(100);
  }
  throw new Error(`${baseUrl}${path} did not answer ${status} within ${timeoutMs} ms (last: ${last})`);
}

/** Resident set size of a pod from GET /metrics (process_resident_memory_bytes). */
export async function residentBytes(baseUrl: string): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const line = text.split('\n').find((candidate) => candidate.startsWith('process_resident_memory_bytes '));
  if (!line) throw new Error(`no process_resident_memory_bytes in /metrics of ${baseUrl}`);
  return Number(line.split(' ')[1]);
}

/** A gauge or counter without labels from GET /metrics. */
export async function metricValue(baseUrl: string, name: string): Promise<number> {
  const res = await fetch(`${baseUrl}/metrics`, { signal: AbortSignal.timeout(5_000) });
  const text = await res.text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in /metrics of ${baseUrl}`);
  return Number(line.split(' ')[1]);
}
