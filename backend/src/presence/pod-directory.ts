import type Redis from 'ioredis';

/** A pod that has not beaten its heart for this long is dead. */
export const POD_TTL_MS = 15_000;

export interface PodInfo {
  podId: string;
  connections: number;
  startedAt: string;
  /** New messages the pod committed in the last minute. */
  messagesLastMinute: number;
}

/** Where pods find each other: Redis in scaled mode, nothing but this pod in embedded mode. */
export abstract class PodDirectory {
  /** Registers or refreshes this pod with its current numbers. */
  abstract beat(me: PodInfo): Promise<void>;
  abstract leave(podId: string): Promise<void>;
  /** Every live pod with the numbers of its last heartbeat (`me` stands for this pod when there is no directory). */
  abstract live(me: PodInfo): Promise<PodInfo[]>;
}

/** Scaled mode: a sorted set podId -> last beat, and per pod a hash of its numbers that expires with it. */
export class RedisPodDirectory extends PodDirectory {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  /** The sorted set of pods by last heartbeat (presence sweeps the dead ones from it). */
  get podsKey(): string {
    return `${this.prefix}pods`;
  }

  private podKey(podId: string): string {
    return `${this.prefix}pod:${podId}`;
  }

  async beat(me: PodInfo): Promise<void> {
    await this.redis
      .multi()
      .zadd(this.podsKey, Date.now(), me.podId)
      .hset(this.podKey(me.podId), { connections: me.connections, startedAt: me.startedAt, messagesLastMinute: me.messagesLastMinute })
      .pexpire(this.podKey(me.podId), POD_TTL_MS)
      .exec();
  }

  async leave(podId: string): Promise<void> {
    await this.redis.multi().zrem(this.podsKey, podId).del(this.podKey(podId)).exec();
  }

  async live(): Promise<PodInfo[]> {
    const ids = (await this.redis.zrangebyscore(this.podsKey, Date.now() - POD_TTL_MS, '+inf')).sort();
    const pipeline = this.redis.pipeline();
    for (const id of ids) pipeline.hgetall(this.podKey(id));
    const results = (await pipeline.exec()) ?? [];
    return ids.flatMap((podId, index) => {
      const hash = (results[index]?.[1] ?? {}) as Record<string, string>;
      if (!hash['startedAt']) return [];
      return [
        {
          podId,
          connections: Number(hash['connections'] ?? 0),
          startedAt: hash['startedAt'],
          messagesLastMinute: Number(hash['messagesLastMinute'] ?? 0),
        },
      ];
    });
  }
}

/** Embedded mode: one pod, this one. */
export class LocalPodDirectory extends PodDirectory {
  beat(): Promise<void> {
    return Promise.resolve();
  }

  leave(): Promise<void> {
    return Promise.resolve();
  }

  live(me: PodInfo): Promise<PodInfo[]> {
    return Promise.resolve([me]);
  }
}
