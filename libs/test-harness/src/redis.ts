import Redis from 'ioredis';
import { REDIS_URL } from './env';

/**
 * Removes the keys the pods of one test run left under its own unique prefix (presence, pod
 * registry). Only that prefix is touched; it was generated for this run.
 */
export async function deleteKeysWithPrefix(prefix: string): Promise<number> {
  if (!/^it-[0-9a-f]{8}:$/.test(prefix)) throw new Error(`refusing to delete keys of a foreign prefix "${prefix}"`);
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 2 });
  redis.on('error', () => undefined);
  await redis.connect();
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
  return deleted;
}
