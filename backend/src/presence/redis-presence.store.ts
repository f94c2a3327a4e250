import type Redis from 'ioredis';
import { POD_TTL_MS } from './pod-directory';
import { PresenceStore } from './presence.store';

/**
 * KEYS: a user's socket counts, their "shown" key; ARGV: the live pods. Unless the user has a socket on
 * a live pod, deletes "shown" and answers 1 (announce offline); atomic, so a connect that comes at the same
 * time either counts here (no offline) or finds "shown" gone (announced online again).
 */
const GO_OFFLINE = `
local counts = redis.call('HGETALL', KEYS[1])
for i = 1, #counts, 2 do
  if tonumber(counts[i + 1]) > 0 then
    for j = 1, #ARGV do
      if ARGV[j] == counts[i] then return 0 end
    end
  end
end
return redis.call('DEL', KEYS[2])`;

/**
 * Scaled mode, in Redis: per user a hash podId -> open sockets on that pod and a "shown online" key; per
 * pod a set of its users; one sorted set of users without a socket by when their grace ends. A user with
 * a socket on a live pod (PodRegistry's heartbeats) is online; "shown" is what their rooms were told.
 */
export class RedisPresenceStore extends PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly podId: string,
    private readonly podsKey: string,
    private readonly graceMs: number,
  ) {
    super();
  }

  private socketsKey(userId: string): string {
    return `${this.prefix}presence:user:${userId}`;
  }
  private shownKey(userId: string): string {
    return `${this.prefix}presence:shown:${userId}`;
  }
  private podUsersKey(podId: string): string {
    return `${this.prefix}presence:pod:${podId}`;
  }
  private get leavingKey(): string {
    return `${this.prefix}presence:leaving`;
  }

  /** Starts the grace of each of `userIds` (a user who reconnects meanwhile is let be when it ends). */
  private async leave(userIds: string[]): Promise<void> {
    if (!userIds.length) return;
    const until = Date.now() + this.graceMs;
    await this.redis.zadd(this.leavingKey, ...userIds.flatMap((userId) => [until, userId]));
  }

  /** A restarted pod forgets the sockets it had before it died; their users start their grace. */
  async resetOwnPod(): Promise<void> {
    const users = await this.redis.smembers(this.podUsersKey(this.podId));
    const pipeline = this.redis.pipeline();
    for (const userId of users) pipeline.hdel(this.socketsKey(userId), this.podId);
    pipeline.del(this.podUsersKey(this.podId));
    await pipeline.exec();
    await this.leave(users);
  }

  async connected(userId: string): Promise<boolean> {
    const results = await this.redis
      .multi()
      .hincrby(this.socketsKey(userId), this.podId, 1)
      .sadd(this.podUsersKey(this.podId), userId)
      .set(this.shownKey(userId), '1', 'NX')
      .exec();
    return results?.[2]?.[1] === 'OK';
  }

  async disconnected(userId: string): Promise<void> {
    const mine = await this.redis.hincrby(this.socketsKey(userId), this.podId, -1);
    if (mine > 0) return;
    await this.redis.multi().hdel(this.socketsKey(userId), this.podId).srem(this.podUsersKey(this.podId), userId).exec();
    await this.leave([userId]);
  }

  async online(userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const shown = await this.redis.mget(userIds.map((userId) => this.shownKey(userId)));
    return new Set(userIds.filter((_, index) => shown[index] !== null));
  }

  async sweep(): Promise<string[]> {
    // Pods that stopped beating: their users start their grace. ZREM succeeds for exactly one pod.
    for (const pod of await this.redis.zrangebyscore(this.podsKey, '-inf', Date.now() - POD_TTL_MS)) {
      if ((await this.redis.zrem(this.podsKey, pod)) !== 1) continue;
      const users = await this.redis.smembers(this.podUsersKey(pod));
      const pipeline = this.redis.pipeline();
      for (const userId of users) pipeline.hdel(this.socketsKey(userId), pod);
      pipeline.del(this.podUsersKey(pod));
      await pipeline.exec();
      await this.leave(users);
    }
    // Graces that ended: each user is taken by one pod (ZREM), and goes offline unless connected again.
    const due = await this.redis.zrangebyscore(this.leavingKey, '-inf', Date.now());
    if (!due.length) return [];
    const removed = await Promise.all(due.map((userId) => this.redis.zrem(this.leavingKey, userId)));
    const mine = due.filter((_, index) => removed[index] === 1);
    const live = await this.redis.zrangebyscore(this.podsKey, Date.now() - POD_TTL_MS, '+inf');
    const wentOffline = await Promise.all(
      mine.map((userId) => this.redis.eval(GO_OFFLINE, 2, this.socketsKey(userId), this.shownKey(userId), ...live)),
    );
    return mine.filter((_, index) => wentOffline[index] === 1);
  }
}
