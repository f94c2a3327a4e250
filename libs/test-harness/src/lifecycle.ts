import { createTestDatabase, type TestDatabase } from './database';
import { startCluster, type Cluster, type ClusterOptions } from './pods';

/** The admin account that fresh clusters seed (ADMIN_USERNAME / ADMIN_PASSWORD; `env` may override it). */
export const ADMIN_USERNAME = 'it-admin';
export const ADMIN_PASSWORD = 'it-admin-password';

export type FreshClusterOptions = Omit<ClusterOptions, 'databaseUrl' | 'redisUrl'>;

/** A cluster that owns its database: stop() stops the pods, deletes their Redis keys and drops the database. */
export type FreshCluster = Cluster & { database: TestDatabase };

/** A fresh, empty database on the shared PostgreSQL and `options.pods` pods on it and the shared Redis (see startCluster). */
export async function startFreshCluster(options: FreshClusterOptions): Promise<FreshCluster> {
  const database = await createTestDatabase();
  let cluster: Cluster;
  try {
    cluster = await startCluster({ ...options, env: { ADMIN_USERNAME, ADMIN_PASSWORD, ...options.env }, databaseUrl: database.url });
  } catch (err) {
    await database.drop();
    throw err;
  }
  cluster.onStop(() => database.drop());
  return Object.assign(cluster, { database });
}

export const START_TIMEOUT_MS = 120_000;
export const STOP_TIMEOUT_MS = 60_000;

/**
 * Jest hooks for the current describe block: beforeAll starts a fresh cluster, afterAll stops it
 * and drops its database. Returns an accessor for the tests (and for later beforeAll hooks).
 */
export function useFreshCluster(options: FreshClusterOptions): () => FreshCluster {
  let cluster: FreshCluster | undefined;
  beforeAll(async () => {
    cluster = await startFreshCluster(options);
  }, START_TIMEOUT_MS);
  afterAll(async () => {
    await cluster?.stop();
  }, STOP_TIMEOUT_MS);
  return () => {
    if (!cluster) throw new Error('the cluster did not start (see the beforeAll failure)');
    return cluster;
  };
}
