import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { Broadcaster } from '../realtime/broadcaster';
import { RedisClients } from '../redis/redis-clients';
import { LocalPodDirectory, PodDirectory, PodInfo, RedisPodDirectory } from './pod-directory';
import { errorSummary } from '../common/error-summary';

const HEARTBEAT_MS = 5_000;

/**
 * Each pod registers itself in the pod directory and beats every few seconds with its numbers; an
 * entry that stops beating expires. Embedded mode has one pod: this one.
 */
@Injectable()
export class PodRegistry implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PodRegistry.name);
  private readonly startedAt = new Date().toISOString();
  private timer?: NodeJS.Timeout;
  private readonly beatListeners: (() => Promise<void>)[] = [];
  private readonly directory: PodDirectory;
  /** The Redis directory, which presence shares (null in embedded mode). */
  readonly redisDirectory: RedisPodDirectory | null;

  constructor(
    private readonly config: AppConfig,
    redis: RedisClients,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: MetricsService,
  ) {
    metrics.countConnectionsWith(() => broadcaster.localConnections);
    this.redisDirectory = redis.command ? new RedisPodDirectory(redis.command, config.redisKeyPrefix) : null;
    this.directory = this.redisDirectory ?? new LocalPodDirectory();
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

  /** Leaves the directory while Redis is still open (it closes in the shutdown hooks after this). */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.directory.leave(this.config.podId).catch(() => undefined);
  }

  self(): PodInfo {
    return {
      podId: this.config.podId,
      connections: this.broadcaster.localConnections,
      startedAt: this.startedAt,
      messagesLastMinute: this.metrics.persistedLastMinute(),
    };
  }

  /** Every live pod with the numbers of its last heartbeat. */
  live(): Promise<PodInfo[]> {
    return this.directory.live(this.self());
  }

  private async beat(): Promise<void> {
    try {
      await this.directory.beat(this.self());
    } catch (error) {
      this.logger.warn(`heartbeat failed: ${errorSummary(error)}`);
    }
    for (const listener of this.beatListeners) await listener().catch(() => undefined);
  }
}
