import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { createAdapter } from '@socket.io/redis-adapter';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnections } from './redis-connections';

type AdapterFactory = ReturnType<typeof createAdapter>;

/**
 * The pod's pub/sub: Redis in scaled mode (Socket.IO's Redis adapter on ioredis carries room fan-out,
 * membership changes and disconnects between pods), in-process in embedded mode (Socket.IO's default
 * in-memory adapter). The sharded adapter is not used: it does not work with ioredis (ioredis#1759).
 */
@Injectable()
export class RealtimePubSub implements OnApplicationShutdown {
  readonly redis: RedisConnections | null;

  constructor(
    private readonly config: AppConfig,
    metrics: MetricsService,
  ) {
    this.redis = config.redisUrl
      ? new RedisConnections(config.redisUrl, `${config.redisKeyPrefix}probe:${config.podId}`, (connection) =>
          metrics.redisReconnects.inc({ connection }),
        )
      : null;
  }

  /** Socket.IO adapter for the server, or undefined for the in-memory default. */
  adapter(): AdapterFactory | undefined {
    if (!this.redis) return undefined;
    return createAdapter(this.redis.pub, this.redis.sub, { key: `${this.config.redisKeyPrefix}socket.io` });
  }

  /** Called when fan-out may have dropped events (Redis came back); not called in embedded mode. */
  onRecovered(listener: () => void): void {
    this.redis?.onRecovered(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.redis?.close();
  }
}
