import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisConnections } from './redis-connections';

/** How the sharded adapter names a room's or a user's channel (`<prefix>socket.io#/#room:<id>#`). */
const ROOM_CHANNEL = Buffer.from('#/#room:');
const USER_CHANNEL = Buffer.from('#/#user:');

/** The publish and subscribe connections Socket.IO's Redis adapter fans out through. */
export interface FanoutConnections {
  pub: Redis;
  sub: Redis;
}

/**
 * The pod's Redis in scaled mode; in embedded mode there is none and every getter answers null, so
 * callers fall back to their in-process stand-ins (presence store, login counts, one-pod registry).
 */
@Injectable()
export class RedisClients implements OnApplicationShutdown {
  private readonly connections: RedisConnections | null;
  private readonly prefix: string;

  constructor(config: AppConfig, metrics: MetricsService) {
    this.prefix = config.redisKeyPrefix;
    const received = {
      room: metrics.fanoutReceived.labels('room'),
      user: metrics.fanoutReceived.labels('user'),
      cluster: metrics.fanoutReceived.labels('cluster'),
    };
    this.connections = config.redisUrl
      ? new RedisConnections(
          config.redisUrl,
          `${config.redisKeyPrefix}probe:${config.podId}`,
          (connection) => metrics.redisReconnects.inc({ connection }),
          (channel) =>
            (channel.includes(ROOM_CHANNEL) ? received.room : channel.includes(USER_CHANNEL) ? received.user : received.cluster).inc(),
        )
      : null;
  }

  /** The connection for commands (keys, counters, pipelines), or null in embedded mode. */
  get command(): Redis | null {
    return this.connections?.command ?? null;
  }

  /** The connections for Socket.IO's Redis adapter, or null in embedded mode (in-memory adapter). */
  get fanout(): FanoutConnections | null {
    return this.connections ? { pub: this.connections.pub, sub: this.connections.sub } : null;
  }

  /** The shard channel on which pod `podId` hears messages addressed to it under `name`. */
  podChannel(podId: string, name: string): string {
    return `${this.prefix}pod:${podId}:${name}`;
  }

  /** Listens on this pod's own channel `name` (scaled mode only; a no-op in embedded mode). */
  onPodMessage(podId: string, name: string, listener: (message: Buffer) => void): void {
    this.connections?.subscribeDirect(this.podChannel(podId, name), listener);
  }

  /** Sends to pod `podId`'s channel `name`; at most once (a pod that is gone does not get it). */
  async toPod(podId: string, name: string, message: string): Promise<void> {
    await this.connections?.pub.spublish(this.podChannel(podId, name), message);
  }

  /** Called when fan-out may have dropped events (Redis came back); not called in embedded mode. */
  onRecovered(listener: () => void): void {
    this.connections?.onRecovered(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.connections?.close();
  }
}
