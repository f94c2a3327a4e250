import { INestApplicationContext, Logger, WsMessageHandler } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import type { Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AckError, ErrorCode, LIMITS } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';
import { corkEachFlush } from './corked-flush';

/**
 * Why a socket request is answered with an error before any handler sees it, or null: an event no
 * handler serves (the contract answers every request, so it gets NOT_FOUND rather than silence), or a
 * payload over LIMITS.socketPayloadMaxBytes.
 */
function refusal(packet: unknown[], known: ReadonlySet<string>): AppError | null {
  const [event, ...args] = packet;
  if (typeof event !== 'string' || !known.has(event)) return new AppError(ErrorCode.NOT_FOUND, `Unknown event "${String(event)}"`);
  const payload = args.filter((arg) => typeof arg !== 'function');
  const bytes = Buffer.byteLength(JSON.stringify(payload) ?? '');
  if (bytes > LIMITS.socketPayloadMaxBytes) {
    return new AppError(ErrorCode.PAYLOAD_TOO_LARGE, `A request may be at most ${LIMITS.socketPayloadMaxBytes} bytes (got ${bytes})`);
  }
  return null;
}

/**
 * Socket.IO server options for every pod, and in scaled mode Socket.IO's sharded Redis adapter in
 * `dynamic` subscription mode: each room (and each user channel) has its own shard channel, which a pod
 * subscribes to only while one of its sockets is in that room. A pod therefore receives from Redis the
 * events of the rooms and users it hosts, not every event of the fleet; membership changes, disconnects
 * and pod-to-pod requests go over the namespace's shared channel, which every pod hears. Embedded mode
 * keeps the in-memory default.
 */
export class RealtimeIoAdapter extends IoAdapter {
  private readonly handlerLogger = new Logger('SocketHandlers');

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
      // Requests over LIMITS.socketPayloadMaxBytes get a PAYLOAD_TOO_LARGE ack (see refusal); only a
      // packet over this larger bound, which the transport will not read, closes the connection.
      maxHttpBufferSize: LIMITS.socketTransportMaxBytes,
      pingInterval: 20_000,
      pingTimeout: 20_000,
      connectTimeout: 10_000,
    });
    corkEachFlush();
    const fanout = this.redis.fanout;
    if (fanout) {
      server.adapter(
        createShardedAdapter(fanout.pub, fanout.sub, {
          channelPrefix: `${this.config.redisKeyPrefix}socket.io`,
          subscriptionMode: 'dynamic',
        }),
      );
    }
    return server;
  }

  /**
   * One plain listener per event and socket. Nest's default builds an RxJS pipeline per event and
   * socket (fromEvent, mergeMap, takeUntil and a subscription, kept for the socket's life), which is most
   * of what an idle socket costs; here the pipeline exists only while a request is being answered.
   */
  override bindMessageHandlers(socket: Socket, handlers: WsMessageHandler[], transform: (data: unknown) => Observable<unknown>): void {
    const known = new Set(handlers.map((handler) => String(handler.message)));
    socket.use((packet, next) => {
      const error = refusal(packet, known);
      if (!error) return next();
      const ack: unknown = packet[packet.length - 1];
      const reply: AckError = { ok: false, error: error.toApiError() };
      if (typeof ack === 'function') (ack as (reply: AckError) => void)(reply);
    });
    for (const { message, callback, isAckHandledManually } of handlers) {
      socket.on(message, (...args: unknown[]) => {
        const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
        let answer: Observable<unknown>;
        try {
          answer = transform(callback(data, ack));
        } catch (error) {
          this.handlerLogger.error(error);
          return;
        }
        answer.subscribe({
          next: (response) => {
            if (response === undefined || response === null) return;
            const event = response as { event?: string; data?: unknown };
            if (event.event) socket.emit(event.event, event.data);
            else if (!isAckHandledManually && typeof ack === 'function') (ack as (value: unknown) => void)(response);
          },
          error: (error: unknown) => this.handlerLogger.error(error),
        });
      });
    }
  }
}
