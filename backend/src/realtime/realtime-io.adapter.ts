import { INestApplicationContext, Logger, WsMessageHandler } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import { createShardedAdapter } from '@socket.io/redis-adapter';
import { from, isObservable, mergeMap, of, type Observable } from 'rxjs';
import type { Server, ServerOptions, Socket } from 'socket.io';
import { AckError, ErrorCode, LIMITS } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';
import { compactConnectionListeners } from './compact-listeners';
import { corkEachFlush } from './corked-flush';
import { releaseOpeningRequests } from './release-requests';

type MessageCallback = WsMessageHandler['callback'];

/**
 * Whether a socket's request is turned away before its handler runs (e.g. a sender already over its
 * limit): `admit` answers the error to reply with, or null; `done` hears when an admitted request was
 * answered. Synchronous and cheap: they run for every request.
 */
export interface Admission {
  admit(socket: Socket, event: string): AppError | null;
  done(socket: Socket, event: string): void;
}

const ADMIT_ALL: Admission = { admit: () => null, done: () => undefined };

/**
 * How long this pod stops reading a WebSocket after turning one of its requests away: the rest of a
 * flood waits in TCP (the client's send buffer) rather than being parsed and answered back to back
 * while other sockets wait for the event loop.
 */
export const REFUSED_READ_PAUSE_MS = 50;

/**
 * Most requests of one socket being handled at once (like HTTP/2's concurrent streams). A socket's
 * further requests wait, in order, until one of those is answered, and the pod stops reading that
 * socket meanwhile: a burst of one client (a flood, a script) is handled a few dozen at a time between
 * the other sockets' requests, instead of hundreds of them back to back from one read. Above what the
 * writer takes from one sender per batch (BATCH_PER_SENDER), so a pipelining client's next batch is
 * already queued when its current one commits.
 */
export const SOCKET_REQUESTS_IN_FLIGHT = 64;

/** The `ws` WebSocket under Engine.IO's WebSocket transport (private in Engine.IO's types). */
interface PausableWebSocket {
  pause(): void;
  resume(): void;
  isPaused: boolean;
}

/** One socket's requests: how many are being handled, those waiting for a slot, and whether a refusal holds its reading. */
interface RequestFlow {
  inFlight: number;
  waiting: (() => void)[];
  refusalHold: boolean;
  /** Whether `next` is due for this socket. */
  nextScheduled: boolean;
}

/**
 * Reads the socket's WebSocket only while nothing holds it back: no request waiting for a slot, no recent
 * refusal. Over HTTP long-polling there is nothing to pause; its requests still wait for a slot.
 */
function syncReading(socket: Socket, flow: RequestFlow): void {
  const transport = socket.conn.transport as { name?: string; socket?: PausableWebSocket };
  const ws = transport.name === 'websocket' ? transport.socket : undefined;
  if (!ws) return;
  const hold = flow.refusalHold || flow.waiting.length > 0;
  if (hold && !ws.isPaused) ws.pause();
  else if (!hold && ws.isPaused) ws.resume();
}

/**
 * A handler's result (a value, a promise or an observable) as the observable that answers it: what the
 * `transform` Nest passes to bindMessageHandlers does, without keeping Nest's closure for every socket.
 */
function answerOf(result: unknown): Observable<unknown> {
  return from(Promise.resolve(result)).pipe(mergeMap((value) => (isObservable(value) ? value : of(value))));
}

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
  /** Per socket: the handler callbacks Nest bound to it, by slot. */
  private readonly bound = new WeakMap<Socket, MessageCallback[]>();
  /** Per slot: the listener every socket shares. */
  private readonly listeners: ((this: Socket, ...args: unknown[]) => void)[] = [];
  /** Per socket: its requests in flight and waiting. */
  private readonly flows = new WeakMap<Socket, RequestFlow>();
  /** The middleware every socket shares: answers requests no handler serves, or too large, with an error ack. */
  private gate?: (packet: unknown[], next: (error?: Error) => void) => void;

  constructor(
    app: INestApplicationContext,
    private readonly config: AppConfig,
    private readonly redis: RedisClients,
    private readonly admission: Admission = ADMIT_ALL,
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
    releaseOpeningRequests(server);
    compactConnectionListeners(server);
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
   * One listener per handler, shared by every socket (an EventEmitter calls it with the socket as `this`).
   * Nest's default builds an RxJS pipeline per event and socket (fromEvent, mergeMap, takeUntil and a
   * subscription, kept for the socket's life); a closure per event and socket still cost ~100 bytes each.
   * What stays per socket is what Nest bound to it: one callback per handler. Every socket gets the same
   * gateways' handlers in the same order, so a handler's slot in that list names its listener.
   */
  override bindMessageHandlers(socket: Socket, handlers: WsMessageHandler[]): void {
    // Requests no handler serves, or too large, are answered here (one middleware shared by every socket).
    socket.use((this.gate ??= this.requestGate(handlers)));
    let callbacks = this.bound.get(socket);
    if (!callbacks) this.bound.set(socket, (callbacks = []));
    for (const { message, callback, isAckHandledManually } of handlers) {
      const slot = callbacks.push(callback) - 1;
      socket.on(message, (this.listeners[slot] ??= this.sharedListener(slot, String(message), isAckHandledManually)));
    }
  }

  /** The gate for these handlers (every socket gets the same gateways' handlers). */
  private requestGate(handlers: WsMessageHandler[]): (packet: unknown[], next: (error?: Error) => void) => void {
    const known = new Set(handlers.map((handler) => String(handler.message)));
    return (packet, next) => {
      const error = refusal(packet, known);
      if (!error) return next();
      const ack: unknown = packet[packet.length - 1];
      const reply: AckError = { ok: false, error: error.toApiError() };
      if (typeof ack === 'function') (ack as (reply: AckError) => void)(reply);
    };
  }

  /** Nest's disconnect callback itself, without the `once` wrapper and the extra closure of the default. */
  override bindClientDisconnect(socket: Socket, callback: (reason: unknown) => void): void {
    socket.on('disconnect', callback);
  }

  private sharedListener(slot: number, event: string, isAckHandledManually: boolean): (this: Socket, ...args: unknown[]) => void {
    const handle = (socket: Socket, args: unknown[]) => this.handle(socket, slot, event, isAckHandledManually, args);
    return function (this: Socket, ...args: unknown[]): void {
      handle(this, args);
    };
  }

  /** Starts the request now, or once fewer than SOCKET_REQUESTS_IN_FLIGHT of its socket's requests are in flight, in order. */
  private handle(socket: Socket, slot: number, event: string, isAckHandledManually: boolean, args: unknown[]): void {
    let flow = this.flows.get(socket);
    if (!flow) this.flows.set(socket, (flow = { inFlight: 0, waiting: [], refusalHold: false, nextScheduled: false }));
    const start = () => this.start(socket, flow, slot, event, isAckHandledManually, args);
    if (flow.inFlight < SOCKET_REQUESTS_IN_FLIGHT && !flow.waiting.length) return start();
    flow.waiting.push(start);
    syncReading(socket, flow);
  }

  /**
   * Starts the socket's waiting requests in the next turn of the event loop, not in the answer's own turn:
   * each slice of a burst then gives the other sockets' reads a turn, however fast its handlers answer.
   */
  private scheduleNext(socket: Socket, flow: RequestFlow): void {
    if (!flow.waiting.length) return syncReading(socket, flow);
    if (flow.nextScheduled) return;
    flow.nextScheduled = true;
    setImmediate(() => {
      flow.nextScheduled = false;
      this.next(socket, flow);
    });
  }

  /**
   * Starts waiting requests while the socket has free slots, at most SOCKET_REQUESTS_IN_FLIGHT of them in
   * this turn (refused ones take no slot), then reads it again once none wait.
   */
  private next(socket: Socket, flow: RequestFlow): void {
    for (
      let started = 0;
      started < SOCKET_REQUESTS_IN_FLIGHT && flow.inFlight < SOCKET_REQUESTS_IN_FLIGHT && flow.waiting.length;
      started += 1
    ) {
      flow.waiting.shift()?.();
    }
    if (flow.waiting.length && flow.inFlight < SOCKET_REQUESTS_IN_FLIGHT) this.scheduleNext(socket, flow);
    else syncReading(socket, flow);
  }

  private start(socket: Socket, flow: RequestFlow, slot: number, event: string, isAckHandledManually: boolean, args: unknown[]): void {
    const callback = this.bound.get(socket)?.[slot];
    if (!callback) return;
    const { data, ack } = this.mapPayload(args.length === 1 ? args[0] : args);
    const refused = this.admission.admit(socket, event);
    if (refused) {
      const reply: AckError = { ok: false, error: refused.toApiError() };
      if (typeof ack === 'function') (ack as (reply: AckError) => void)(reply);
      this.holdReading(socket, flow);
      return;
    }
    flow.inFlight += 1;
    const done = () => {
      flow.inFlight -= 1;
      this.admission.done(socket, event);
      this.scheduleNext(socket, flow);
    };
    let answer: Observable<unknown>;
    try {
      answer = answerOf(callback(data, ack));
    } catch (error) {
      done();
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
      error: (error: unknown) => {
        done();
        this.handlerLogger.error(error);
      },
      complete: done,
    });
  }

  /** Stops reading the socket for REFUSED_READ_PAUSE_MS after a refusal. */
  private holdReading(socket: Socket, flow: RequestFlow): void {
    if (flow.refusalHold) return;
    flow.refusalHold = true;
    syncReading(socket, flow);
    setTimeout(() => {
      flow.refusalHold = false;
      syncReading(socket, flow);
    }, REFUSED_READ_PAUSE_MS).unref();
  }
}
