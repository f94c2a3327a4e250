import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { Broadcaster } from '../realtime/broadcaster';
import { RedisClients } from '../redis/redis-clients';

/** A pod that has not beaten its heart for this long is dead. */
export const POD_TTL_MS = 15_000;
export const HEARTBEAT_MS = 5_000;

export interface PodInfo {
  podId: string;
  connections: number;
  startedAt: string;
  /** New messages the pod committed in the last minute. */
  messagesLastMinute: number;
}

/**
 * Each pod registers itself in Redis and beats every few seconds with its numbers; an entry that stops
 * beating expires. Embedded mode has one pod: this one.
 */
@Injectable()
export class PodRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PodRegistry.name);
  private readonly startedAt = new Date().toISOString();
  private timer?: NodeJS.Timeout;
  private readonly beatListeners: (() => Promise<void>)[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly redis: RedisClients,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: MetricsService,
  ) {
    metrics.countConnectionsWith(() => broadcaster.localConnections);
  }

  get podsKey(): string {
    return `${this.config.redisKeyPrefix}pods`;
  }

  private podKey(podId: string): string {
    return `${this.config.redisKeyPrefix}pod:${podId}`;
  }

  /** Runs after every heartbeat (e.g. presence sweeps dead pods). */
  onBeat(listener: () => Promise<void>): void {
    this.beatListeners.push(listener);
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.beat();
    this.timer = setInterval(() => void this.beat(), HEARTBEAT_MS);
    this.timer.unref();
  }

  /** Leaves the registry while Redis is still open (it closes in the shutdown hooks after this). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    const redis = this.redis.command;
    if (!redis) return;
    await redis
      .multi()
      .zrem(this.podsKey, this.config.podId)
      .del(this.podKey(this.config.podId))
      .exec()
      .catch(() => undefined);
  }

  self(): PodInfo {
    return {
      podId: this.config.podId,
      connections: this.broadcaster.localConnections,
      startedAt: this.startedAt,
      messagesLastMinute: this.metrics.persistedLastMinute(),
    };
  }

  private async beat(): Promise<void> {
    const redis = this.redis.command;
    if (redis) {
      const me = this.self();
      try {
        await redis
          .multi()
          .zadd(this.podsKey, Date.now(), me.podId)
          .hset(this.podKey(me.podId), {
            connections: me.connections,
            startedAt: me.startedAt,
            messagesLastMinute: me.messagesLastMinute,
          })
          .pexpire(this.podKey(me.podId), POD_TTL_MS)
          .exec();
      } catch (error) {
        this.logger.warn(`heartbeat failed: ${(error as Error).message}`);
      }
    }
    for (const listener of this.beatListeners) await listener().catch(() => undefined);
  }

  /** Ids of pods with a recent heartbeat. */
  async liveIds(): Promise<Set<string>> {
    const redis = this.redis.command;
    if (!redis) return new Set([this.config.podId]);
    return new Set(await redis.zrangebyscore(this.podsKey, Date.now() - POD_TTL_MS, '+inf'));
  }

  /** Every live pod with the numbers of its last heartbeat. */
  async live(): Promise<PodInfo[]> {
    const redis = this.redis.command;
    if (!redis) return [this.self()];
    const ids = [...(await this.liveIds())].sort();
    const pipeline = redis.pipeline();
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
