import { createTestDatabase, type TestDatabase } from './database';
import { KAFKA_MODE, randomId } from './env';
import { KafkaBroker } from './kafka';
import { startCluster, type Cluster, type ClusterOptions } from './pods';

/** The admin account that fresh clusters seed (ADMIN_USERNAME / ADMIN_PASSWORD; `env` may override it). */
export const ADMIN_USERNAME = 'it-admin';
export const ADMIN_PASSWORD = 'it-admin-password';

export type FreshClusterOptions = Omit<ClusterOptions, 'databaseUrl' | 'redisUrl'>;

/** A cluster that owns its database: stop() stops the pods, deletes their Redis keys and drops the database. */
export type FreshCluster = Cluster & { database: TestDatabase };

/** Kafka mode (IT_KAFKA_MODE=1): a broker for the cluster and the pods' settings for it. */
async function kafkaFor(options: FreshClusterOptions): Promise<{ broker: KafkaBroker | null; env: Record<string, string> }> {
  if (!KAFKA_MODE || options.env?.['KAFKA_BROKERS']) return { broker: null, env: {} };
  // A writer SIGKILLed by a test stalls its partitions until its session times out: keep that well
  // inside a send's deadline (DB_STATEMENT_TIMEOUT_MS + 1 s).
  const broker = await KafkaBroker.start({ partitions: 4, properties: { 'group.min.session.timeout.ms': 1_000 } });
  return {
    broker,
    env: {
      KAFKA_BROKERS: broker.bootstrap,
      KAFKA_TOPIC_PREFIX: `it.${randomId(3)}.`,
      KAFKA_INGEST_PARTITIONS: '4',
      KAFKA_TIMELINE_PARTITIONS: '2',
      KAFKA_REPLICATION_FACTOR: '1',
      KAFKA_SESSION_TIMEOUT_MS: '2500',
    },
  };
}

/**
 * A fresh, empty database on the shared PostgreSQL and `options.pods` pods on it and the shared Redis (see
 * startCluster); with IT_KAFKA_MODE=1 also a Kafka broker of its own, stopped with the cluster.
 */
export async function startFreshCluster(options: FreshClusterOptions): Promise<FreshCluster> {
  const database = await createTestDatabase();
  let cluster: Cluster;
  let kafka: { broker: KafkaBroker | null; env: Record<string, string> } = { broker: null, env: {} };
  try {
    kafka = await kafkaFor(options);
    cluster = await startCluster({
      ...options,
      env: { ADMIN_USERNAME, ADMIN_PASSWORD, ...kafka.env, ...options.env },
      databaseUrl: database.url,
    });
  } catch (err) {
    await kafka.broker?.stop();
    await database.drop();
    throw err;
  }
  cluster.onStop(() => database.drop());
  const broker = kafka.broker;
  if (broker) cluster.onStop(() => broker.stop());
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
