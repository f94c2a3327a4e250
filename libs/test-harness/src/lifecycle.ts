import { createTestDatabase, type TestDatabase } from './database';
import { startCluster, type Cluster, type ClusterOptions } from './pods';

export type FreshClusterOptions = Omit<ClusterOptions, 'databaseUrl'>;

/** A cluster that owns its database: stop() stops the pods, deletes their Redis keys and drops the database. */
export interface FreshCluster extends Cluster {
  database: TestDatabase;
}

/** A fresh, empty database and `options.pods` pods on it (see startCluster). */
export async function startFreshCluster(options: FreshClusterOptions): Promise<FreshCluster> {
  const database = await createTestDatabase();
  let cluster: Cluster;
  try {
    cluster = await startCluster({ ...options, databaseUrl: database.url });
  } catch (err) {
    await database.drop();
    throw err;
  }
  return {
    ...cluster,
    database,
    stop: async () => {
      try {
        await cluster.stop();
      } finally {
        await database.drop();
      }
    },
  };
}
