import type Redis from 'ioredis';
import { POD_TTL_MS } from './pod-directory';
import { PresenceStore } from './presence.store';

/**
 * Scaled mode: per user a hash podId -> open sockets on that pod, and per pod a set of its users.
 * A user is online when a live pod (PodRegistry's heartbeats) holds a socket of theirs.
 */
export class RedisPresenceStore extends PresenceStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly podId: string,
    private readonly podsKey: string,
  ) {
    super();
  }

  private userKey(userId: string): string {
    return `${this.prefix}presence:user:${userId}`;
  }
  private podUsersKey(podId: string): string {
    return `${this.prefix}presence:pod:${podId}`;
  }
  private async livePods(): Promise<Set<string>> {
    return new Set(await this.redis.zrangebyscore(this.podsKey, Date.now() - POD_TTL_MS, '+inf'));
  }

  private async othersOnline(userId: string): Promise<boolean> {
    const [counts, live] = await Promise.all([this.redis.hgetall(this.userKey(userId)), this.livePods()]);
    return Object.entries(counts).some(([pod, count]) => pod !== this.podId && live.has(pod) && Number(count) > 0);
  }

  /** A restarted pod forgets the sockets it had before it died. */
  async resetOwnPod(): Promise<void> {
    const users = await this.redis.smembers(this.podUsersKey(this.podId));
    const pipeline = this.redis.pipeline();
    for (const userId of users) pipeline.hdel(this.userKey(userId), this.podId);
    pipeline.del(this.podUsersKey(this.podId));
    await pipeline.exec();
  }

  async connected(userId: string): Promise<boolean> {
    const results = await this.redis.multi().hincrby(this.userKey(userId), this.podId, 1).sadd(this.podUsersKey(this.podId), userId).exec();
    const mine = Number(results?.[0]?.[1] ?? 0);
    return mine === 1 && !(await this.othersOnline(userId));
  }

  async disconnected(userId: string): Promise<boolean> {
    const mine = await this.redis.hincrby(this.userKey(userId), this.podId, -1);
    if (mine > 0) return false;
    await this.redis.multi().hdel(this.userKey(userId), this.podId).srem(this.podUsersKey(this.podId), userId).exec();
    return !(await this.othersOnline(userId));
  }

  async online(userIds: string[]): Promise<Set<string>> {
    if (!userIds.length) return new Set();
    const pipeline = this.redis.pipeline();
    for (const userId of userIds) pipeline.hgetall(this.userKey(userId));
    const [results, live] = await Promise.all([pipeline.exec(), this.livePods()]);
    const online = new Set<string>();
    userIds.forEach((userId, index) => {
      const counts = (results?.[index]?.[1] ?? {}) as Record<string, string>;
      if (Object.entries(counts).some(([pod, count]) => live.has(pod) && Number(count) > 0)) online.add(userId);
    });
    return online;
  }

  async sweep(): Promise<string[]> {
    const dead = await this.redis.zrangebyscore(this.podsKey, '-inf', Date.now() - POD_TTL_MS);
    const offline: string[] = [];
    for (const pod of dead) {
      // ZREM succeeds for exactly one pod, which then owns the clean-up.
      if ((await this.redis.zrem(this.podsKey, pod)) !== 1) continue;
      const users = await this.redis.smembers(this.podUsersKey(pod));
      for (const userId of users) {
        await this.redis.hdel(this.userKey(userId), pod);
        const online = await this.online([userId]);
        if (!online.has(userId)) offline.push(userId);
      }
      await this.redis.del(this.podUsersKey(pod));
    }
    return offline;
  }
}
