import { Client } from 'pg';
import { PG_ADMIN_URL, randomId } from './env';

export interface TestDatabase {
  name: string;
  /** URL a pod gets as DATABASE_URL. */
  url: string;
  drop(): Promise<void>;
}

async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates an empty, uniquely named database; drop() removes it even while pods still hold connections. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const name = `it_${randomId()}`;
  // The name is generated here from hex digits only, so interpolating it is safe.
  await withAdmin((client) => client.query(`CREATE DATABASE "${name}"`));
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await withAdmin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}
