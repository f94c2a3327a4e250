import { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Server, ServerOptions } from 'socket.io';
import { AppConfig } from '../config/app-config';
import { RealtimePubSub } from './pubsub';

/** Socket.IO server options for every pod, and the Redis adapter in scaled mode. */
export class RealtimeIoAdapter extends IoAdapter {
  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly pubsub: RealtimePubSub,
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
    const adapter = this.pubsub.adapter();
    if (adapter) server.adapter(adapter);
    return server;
  }
}
