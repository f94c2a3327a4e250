import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';

/**
 * Socket.IO server options for every pod, and in scaled mode Socket.IO's Redis adapter, which carries room
 * fan-out, membership changes and disconnects between pods (embedded mode keeps the in-memory default).
 * The sharded adapter is not used: it does not work with ioredis (ioredis#1759).
 */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis: RedisClients,
  ) {
    super(app);
  }

  override createIOServer(port: number, options: ServerOptions): Server {
    const origins = this.config.corsOrigins;
    const server = super.createIOServer(port, {
      ...options,
      cors: origins.length ? { origin: origins, credentials: true } : undefined,
      // Bodies are at most 4000 characters; anything far larger is abuse.
      maxHttpBufferSize: 64 * 1024,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      connectTimeout: 10_000,
    });
    const fanout = this.redis.fanout;
    if (fanout) server.adapter(createAdapter(fanout.pub, fanout.sub, { key: `${this.config.redisKeyPrefix}socket.io` }));
    return server;
  }
}
