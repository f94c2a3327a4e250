import Redis from 'ioredis';
import { REDIS_URL, randomId } from '@chat/test-harness';
import { POD_TTL_MS, RedisPodDirectory } from '../../src/presence/pod-directory';
import { RedisPresenceStore } from '../../src/presence/redis-presence.store';

/**
 * The scaled-mode presence store against the real Redis: what three pods (A, B, C) see when users come,
 * go, and when a pod dies with its users moving elsewhere within the offline grace. Pods are stores with
 * their own ids on one key prefix; time is moved by rewriting the heartbeats and graces in Redis.
 */
describe('RedisPresenceStore (real Redis)', () => {
  let redis: Redis;
  let prefix: string;
  let directory: RedisPodDirectory;
  const GRACE_MS = 30_000;

  beforeAll(() => {
    redis = new Redis(REDIS_URL);
  });
  afterAll(async () => {
    await redis.quit();
  });
  beforeEach(async () => {
    prefix = `it-presence-${randomId(4)}:`;
    directory = new RedisPodDirectory(redis, prefix);
    for (const podId of ['A', 'B', 'C']) await directory.beat({ podId, connections: 0, startedAt: '', messagesLastMinute: 0 });
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
  });

  const pod = (podId: string) => new RedisPresenceStore(redis, prefix, podId, directory.podsKey, GRACE_MS);
  /** Every grace started so far has ended. */
  const graceOver = () =>
    redis.eval(
      `for _, u in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do redis.call('ZADD', KEYS[1], 0, u) end`,
      1,
      `${prefix}presence:leaving`,
    );
  /** Pod `podId` stopped beating long enough to count as dead. */
  const dies = (podId: string) => redis.zadd(directory.podsKey, Date.now() - POD_TTL_MS - 1_000, podId);

  it('announces the first socket anywhere only, and offline once, after the grace, by one pod', async () => {
    const [a, b] = [pod('A'), pod('B')];
    await expect(a.connected('u1')).resolves.toBe(true);
    await expect(b.connected('u1')).resolves.toBe(false);
    await a.disconnected('u1');
    await b.disconnected('u1');
    await expect(a.online(['u1', 'u2'])).resolves.toEqual(new Set(['u1']));
    await expect(a.sweep()).resolves.toEqual([]);
    await graceOver();
    const swept = [...(await a.sweep()), ...(await b.sweep())];
    expect(swept).toEqual(['u1']);
    await expect(b.online(['u1'])).resolves.toEqual(new Set());
    await expect(b.connected('u1')).resolves.toBe(true);
  });

  it('keeps a user shown online when they reconnect within the grace, on any pod', async () => {
    const [a, b] = [pod('A'), pod('B')];
    await a.connected('u1');
    await a.disconnected('u1');
    await expect(b.connected('u1')).resolves.toBe(false);
    await graceOver();
    await expect(a.sweep()).resolves.toEqual([]);
    await expect(b.sweep()).resolves.toEqual([]);
    await expect(a.online(['u1'])).resolves.toEqual(new Set(['u1']));
  });

  it('a dead pod: users who reconnected elsewhere stay online without events, the others go offline after the grace', async () => {
    const [a, b, c] = [pod('A'), pod('B'), pod('C')];
    for (const user of ['u1', 'u2', 'u3']) await a.connected(user);
    await dies('A');
    // u1 is back before the sweep notices A, u2 after it; u3 never comes back.
    await expect(b.connected('u1')).resolves.toBe(false);
    await expect(b.sweep()).resolves.toEqual([]);
    await expect(c.sweep()).resolves.toEqual([]);
    await expect(c.connected('u2')).resolves.toBe(false);
    await graceOver();
    const swept = [...(await b.sweep()), ...(await c.sweep())];
    expect(swept).toEqual(['u3']);
    await expect(b.online(['u1', 'u2', 'u3'])).resolves.toEqual(new Set(['u1', 'u2']));
  });

  it('a restarted pod forgets its old sockets; their users go offline after the grace unless back', async () => {
    const a = pod('A');
    await a.connected('u1');
    await a.connected('u2');
    const restarted = pod('A');
    await restarted.resetOwnPod();
    await expect(restarted.connected('u2')).resolves.toBe(false);
    await graceOver();
    await expect(restarted.sweep()).resolves.toEqual(['u1']);
  });
});
