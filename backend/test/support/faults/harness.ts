import { addMember, createRoom } from '../chat';
import { Api, registerUser, type TestUser } from '../http';
import { TimelineStore } from './convergence';
import { PostgresServer, RedisServer } from './infra';
import { ResilientClient, type ResilientClientOptions } from './resilient-client';
import { TcpProxy, failedSoFar, randomId, startCluster, type Cluster, type Pod } from '@chat/test-harness';

/** Defaults of the fault suite's pods: short bounds so outages show within seconds. */
export const FAULT_POD_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'production',
  LOG_LEVEL: 'warn',
  LOG_FORMAT: 'json',
  SHUTDOWN_GRACE_MS: '10000',
  DRAIN_SPREAD_MS: '1500',
  DB_STATEMENT_TIMEOUT_MS: '1500',
};

export interface HarnessOptions {
  pods: number;
  /** Environment for every pod on top of FAULT_POD_ENV. */
  podEnv?: Record<string, string>;
  /** The pods reach PostgreSQL through a TcpProxy (harness.databaseProxy), which can cut its answers. */
  databaseProxy?: boolean;
}

export type ClientOptions = Omit<ResilientClientOptions, 'token' | 'urls' | 'label'> & {
  label?: string;
  /** Defaults to every pod, starting at `firstUrl`. */
  urls?: string[];
};

/**
 * One fault scenario's world: its own PostgreSQL and Redis servers, a fleet of pods on them, users,
 * rooms and resilient clients. dispose() tears everything down whatever state the test left it in.
 */
export class FaultHarness {
  readonly clients: ResilientClient[] = [];
  private reported = false;

  private constructor(
    readonly postgres: PostgresServer,
    readonly redis: RedisServer,
    readonly cluster: Cluster,
    readonly store: TimelineStore,
    /** Between the pods and PostgreSQL, with `databaseProxy`. */
    readonly databaseProxy: TcpProxy | null,
  ) {}

  static async start(options: HarnessOptions): Promise<FaultHarness> {
    let postgres: PostgresServer | undefined;
    let redis: RedisServer | undefined;
    let cluster: Cluster | undefined;
    let store: TimelineStore | undefined;
    let proxy: TcpProxy | null = null;
    try {
      [postgres, redis] = await Promise.all([PostgresServer.create(), RedisServer.start()]);
      proxy = options.databaseProxy ? await TcpProxy.start(postgres.port) : null;
      // One after the other: the first pod runs the migrations. startCluster stops them if one fails.
      cluster = await startCluster({
        databaseUrl: proxy ? postgres.url.replace(`:${postgres.port}/`, `:${proxy.port}/`) : postgres.url,
        redisUrl: redis.url,
        name: `fault-${randomId(2)}`,
        pods: options.pods,
        env: { ...FAULT_POD_ENV, ...options.podEnv },
        oneByOne: true,
        readyTimeoutMs: 60_000,
        stopGraceMs: 3_000,
      });
      store = new TimelineStore(postgres.url);
      return new FaultHarness(postgres, redis, cluster, store, proxy);
    } catch (error) {
      await store?.close().catch(() => undefined);
      await cluster?.stop().catch(() => undefined);
      await proxy?.close().catch(() => undefined);
      await redis?.dispose().catch(() => undefined);
      await postgres?.dispose().catch(() => undefined);
      throw error;
    }
  }

  get pods(): Pod[] {
    return this.cluster.pods;
  }

  pod(index: number): Pod {
    return this.cluster.pod(index);
  }

  /** REST client of a pod (default: the first). */
  api(index = 0): Api {
    return new Api(this.pod(index).baseUrl);
  }

  /** Registers `count` users, a few at a time (password hashing is deliberately slow). */
  async users(count: number, prefix = 'f', podIndex = 0): Promise<TestUser[]> {
    const api = this.api(podIndex);
    const users: TestUser[] = [];
    const parallel = 4;
    for (let i = 0; i < count; i += parallel) {
      const batch = await Promise.all(Array.from({ length: Math.min(parallel, count - i) }, () => registerUser(api, prefix)));
      users.push(...batch);
    }
    return users;
  }

  /** A private room owned by `owner` with `members` added; returns its id. */
  async room(owner: TestUser, members: TestUser[]): Promise<string> {
    const api = this.api();
    const room = await createRoom(api, owner, 'private', `faults ${randomId(3)}`);
    for (let i = 0; i < members.length; i += 8) {
      await Promise.all(
        members
          .slice(i, i + 8)
          .filter((member) => member.user.id !== owner.user.id)
          .map((member) => addMember(api, owner, room.id, member.user.id)),
      );
    }
    return room.id;
  }

  /** A started resilient client for `user`; the harness stops it at the end. */
  client(user: TestUser, options: ClientOptions = {}): ResilientClient {
    const client = new ResilientClient({
      ...options,
      label: options.label ?? `${user.username}#${this.clients.length}`,
      token: user.token,
      urls: options.urls ?? this.cluster.urls,
    });
    this.clients.push(client);
    client.start();
    return client;
  }

  /** Error-level log lines of every pod, the tails of their logs and of PostgreSQL's, for a failure report. */
  diagnostics(): string {
    return `${this.cluster.logReport(60)}\n${this.postgresTail()}`;
  }

  /** Runs a scenario; on failure prints the pods' logs before rethrowing. */
  async run(scenario: () => Promise<void>): Promise<void> {
    try {
      await scenario();
    } catch (error) {
      this.report();
      throw error;
    }
  }

  /** Prints diagnostics() once (a failed run() prints them at once, a failed test or hook at teardown). */
  private report(): void {
    if (this.reported) return;
    this.reported = true;
    this.cluster.printLogs(60);
    process.stderr.write(`${this.postgresTail()}\n`);
  }

  private postgresTail(): string {
    return `----- postgres log tail -----\n${this.postgres.logTail(20)}`;
  }

  async dispose(): Promise<void> {
    for (const client of this.clients) client.stop();
    if (failedSoFar()) this.report();
    const steps = [
      () => this.store.close(),
      () => this.cluster.stop(),
      async () => this.databaseProxy?.close(),
      () => this.redis.dispose(),
      () => this.postgres.dispose(),
    ];
    const failures: unknown[] = [];
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        failures.push(error);
      }
    }
    if (failures.length) throw new Error(`teardown: ${failures.map(String).join('; ')}`);
  }
}

/** `items[index]`, failing loudly instead of yielding undefined. */
export function nth<T>(items: readonly T[], index: number): T {
  const item = items[index];
  if (item === undefined) throw new Error(`no item ${index} (of ${items.length})`);
  return item;
}

/** One line of numbers about what the clients went through, for the test log. */
export function clientStats(clients: ResilientClient[]): Record<string, number> {
  const outcomes: Record<string, number> = {};
  let resent = 0;
  let gaps = 0;
  let syncPages = 0;
  let sessions = 0;
  let disconnects = 0;
  let connectErrors = 0;
  for (const client of clients) {
    for (const emit of client.emits) {
      const key = `emit_${emit.outcome ?? 'pending'}`;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
    }
    resent += [...client.outbox.values()].filter((send) => send.attempts > 1).length;
    sessions += client.sessionsReady.length;
    disconnects += client.disconnects.length;
    connectErrors += client.connectErrors.length;
    for (const room of client.rooms.values()) {
      gaps += room.gapsDetected;
      syncPages += room.syncPages;
    }
  }
  return { clients: clients.length, ...outcomes, resentSends: resent, sessions, disconnects, connectErrors, gaps, syncPages };
}

/** Runs `task` over `items` with at most `limit` running at once. */
export async function inBatches<T, R>(items: T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      results[index] = await task(items[index] as T, index);
    }
  });
  await Promise.all(workers);
  return results;
}

/** Waits for every client's session (in batches, so thousands do not time out together). */
export async function allReady(clients: ResilientClient[], timeoutMs: number): Promise<void> {
  await Promise.all(clients.map((client) => client.whenReady(timeoutMs)));
}

/**
 * Starts a harness before the file's tests and disposes of it after them (even when they fail);
 * returns an accessor for the tests.
 */
export function useFaultHarness(options: HarnessOptions): () => FaultHarness {
  let harness: FaultHarness | undefined;
  beforeAll(async () => {
    harness = await FaultHarness.start(options);
  }, 120_000);
  afterAll(async () => {
    await harness?.dispose();
  }, 60_000);
  return () => {
    if (!harness) throw new Error('the fault harness did not start');
    return harness;
  };
}
