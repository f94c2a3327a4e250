import DataLoader from 'dataloader';

/** Most keys one query looks up. */
const MAX_BATCH = 500;

/**
 * A lookup by key whose calls in the same turn of the event loop share one query (DataLoader, without
 * its cache: every call reads fresh rows). A reconnect storm's thousands of handshakes then cost tens of
 * queries instead of thousands, and an idle pod waits for nothing (the batch runs right after the I/O
 * callbacks of the current turn). A failed query fails each of its calls.
 */
export function batchedLookup<K, V>(fetch: (keys: readonly K[]) => Promise<Map<K, V>>, missing: V): (key: K) => Promise<V> {
  const loader = new DataLoader<K, V>(
    async (keys) => {
      const found = await fetch(keys);
      return keys.map((key) => found.get(key) ?? missing);
    },
    { cache: false, maxBatchSize: MAX_BATCH, batchScheduleFn: (run) => setImmediate(run) },
  );
  return (key) => loader.load(key);
}
