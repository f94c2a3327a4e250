import { existsSync } from 'node:fs';
import { BACKEND_MAIN, FRONTEND_INDEX, REDIS_URL, REPO_ROOT, failedSoFar, randomId } from './env';
import { ManagedProcess, freePort, onProcessExit, waitUntilReady } from './processes';
import { deleteKeysWithPrefix } from './redis';

export const ADMIN_USERNAME = 'it-admin';
export const ADMIN_PASSWORD = 'it-admin-password';

export interface Pod {
  podId: string;
  port: number;
  baseUrl: string;
  process: ManagedProcess;
}

export interface Cluster {
  pods: Pod[];
  redisKeyPrefix: string;
  jwtSecret: string;
  /** Starts one more pod on the same database and Redis prefix and waits until it is ready. */
  addPod(): Promise<Pod>;
  /** Stops every pod (SIGTERM, then SIGKILL) and prints their logs if a test of the file failed. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  databaseUrl: string;
  pods: number;
  /** Extra or overriding environment for every pod. */
  env?: Record<string, string>;
  /** Fail early unless the client is built too (dist/frontend), for suites that load it. */
  requireClient?: boolean;
}

/** Environment shared by the caller's process and a pod, without anything that would change the pod's mode. */
function baseEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['DATABASE_URL', 'REDIS_URL', 'REDIS_KEY_PREFIX', 'JWT_SECRET', 'DATA_DIR', 'PORT', 'POD_ID', 'CORS_ORIGINS']) {
    delete env[key];
  }
  return env;
}

/**
 * Starts `count` pods of dist/backend/main.js on one database and one Redis key prefix, all at once
 * (so concurrent start-up migrations are exercised too), and waits until each is ready.
 */
export async function startCluster(options: ClusterOptions): Promise<Cluster> {
  for (const file of options.requireClient ? [BACKEND_MAIN, FRONTEND_INDEX] : [BACKEND_MAIN]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run "npx nx run-many -t build -p backend frontend" first`);
  }
  const run = randomId(4);
  const redisKeyPrefix = `it-${run}:`;
  const jwtSecret = `it-secret-${randomId(16)}`;
  const pods: Pod[] = [];
  // Killed even if the test process exits without its afterAll.
  const forget = onProcessExit(() => {
    for (const pod of pods) pod.process.killSync();
  });

  const spawnPod = async (): Promise<Pod> => {
    const port = await freePort();
    const podId = `it-${run}-pod-${String.fromCharCode(97 + pods.length)}`;
    const proc = new ManagedProcess(podId, process.execPath, [BACKEND_MAIN], {
      cwd: REPO_ROOT,
      env: {
        ...baseEnv(),
        NODE_ENV: 'production',
        PORT: String(port),
        DATABASE_URL: options.databaseUrl,
        REDIS_URL,
        REDIS_KEY_PREFIX: redisKeyPrefix,
        JWT_SECRET: jwtSecret,
        ADMIN_USERNAME,
        ADMIN_PASSWORD,
        POD_ID: podId,
        LOG_LEVEL: 'warn',
        NO_COLOR: '1',
        ...options.env,
      },
    });
    const pod = { podId, port, baseUrl: `http://127.0.0.1:${port}`, process: proc };
    pods.push(pod);
    return pod;
  };

  const cluster: Cluster = {
    pods,
    redisKeyPrefix,
    jwtSecret,
    addPod: async () => {
      const pod = await spawnPod();
      await waitUntilReady(pod.baseUrl, pod.process);
      return pod;
    },
    stop: async () => {
      const results = await Promise.all(pods.map((pod) => pod.process.stop()));
      const killed = pods.filter((_, i) => results[i]?.killed).map((pod) => pod.podId);
      if (failedSoFar() || killed.length > 0) {
        for (const pod of pods) {
          process.stderr.write(`\n----- logs of ${pod.podId} (${pod.baseUrl}) -----\n${pod.process.tail(150)}\n`);
        }
      }
      forget();
      await deleteKeysWithPrefix(redisKeyPrefix);
    },
  };
  try {
    const started: Pod[] = [];
    for (let i = 0; i < options.pods; i += 1) started.push(await spawnPod());
    await Promise.all(started.map((pod) => waitUntilReady(pod.baseUrl, pod.process)));
    return cluster;
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}
