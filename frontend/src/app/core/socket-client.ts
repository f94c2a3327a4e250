import { DOCUMENT } from '@angular/common';
import { DestroyRef, Injectable, InjectionToken, computed, inject, signal } from '@angular/core';
import {
  ErrorCode,
  type Ack,
  type ApiError,
  type ClientToServerEvents,
  type DeleteMessageAck,
  type EditMessageAck,
  type ReactionAck,
  type ReadAck,
  type SendMessageAck,
  type ServerToClientEvents,
  type SyncAck,
} from '@chat/contracts';
import type {
  DeleteMessageRequest,
  EditMessageRequest,
  ReactionRequest,
  ReadRequest,
  SendMessageRequest,
  SyncRequest,
  TypingRequest,
} from '@chat/contracts';
import { io, type Socket } from 'socket.io-client';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type TimedSocket = ReturnType<ClientSocket['timeout']>;
type AuthCallback = (cb: (data: { token: string }) => void) => void;

/** Builds the (not yet connected) socket; tests replace it with a fake. */
export type SocketFactory = (auth: AuthCallback) => ClientSocket;

export const SOCKET_FACTORY = new InjectionToken<SocketFactory>('SOCKET_FACTORY', {
  providedIn: 'root',
  factory: () => (auth) =>
    io({
      path: '/socket.io',
      auth,
      // WebSocket first; fall back to long-polling where a proxy blocks it.
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      // A connection dropped between the upgrade and the handshake only ends at this timeout
      // (socket.io waits for an error that never comes): 10 s instead of the default 20 s.
      timeout: 10_000,
      autoConnect: false,
      forceNew: true,
    }),
});

/** How long a request waits for its ack before it counts as failed. */
export const SOCKET_ACK_TIMEOUT_MS = new InjectionToken<number>('SOCKET_ACK_TIMEOUT_MS', {
  providedIn: 'root',
  factory: () => 10_000,
});

/**
 * The session the socket authenticates with. Provided by the layer that owns the login
 * (auth), so this bottom layer depends on nothing above it.
 */
export interface SocketSession {
  /** Read again on every (re)connect attempt. */
  token(): string | null;
  /** The server refused the token or closed the session for good. */
  expire(message?: string): void;
}

export const SOCKET_SESSION = new InjectionToken<SocketSession>('SOCKET_SESSION');

export type ConnectionState = 'idle' | 'connecting' | 'connected' | 'reconnecting' | 'offline';

export type ServerEventName = keyof ServerToClientEvents;
export type ServerPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
type Handler<E extends ServerEventName> = (payload: ServerPayload<E>) => void;

const NOT_CONNECTED: ApiError = { code: ErrorCode.UNAVAILABLE, message: 'Not connected to the server.' };
const TIMED_OUT: ApiError = { code: ErrorCode.UNAVAILABLE, message: 'The server did not answer in time.' };
const MALFORMED: ApiError = { code: ErrorCode.INTERNAL, message: 'The server sent an unexpected answer.' };
const RETRY_REFUSED_MS = 5_000;

function failure(error: ApiError): { ok: false; error: ApiError } {
  return { ok: false, error };
}

function isApiError(value: unknown): value is ApiError {
  return (
    typeof value === 'object' &&
    value !== null &&
    'code' in value &&
    typeof value.code === 'string' &&
    'message' in value &&
    typeof value.message === 'string'
  );
}

/** Acks arrive from the network: anything not shaped like the contract becomes an error ack. */
export function checkAck<T extends object>(ack: Ack<T>): Ack<T> {
  const value: unknown = ack;
  if (typeof value === 'object' && value !== null && 'ok' in value) {
    if (value.ok === true) return ack;
    if (value.ok === false && 'error' in value && isApiError(value.error)) return ack;
  }
  return failure(MALFORMED);
}

function connectErrorCode(err: Error): string | null {
  const data: unknown = 'data' in err ? err.data : undefined;
  return typeof data === 'object' && data !== null && 'code' in data && typeof data.code === 'string' ? data.code : null;
}

/**
 * The one Socket.IO connection of a logged-in session, typed by the contract's event maps.
 * Requests never reject: a lost ack, a missing connection or a malformed answer all come
 * back as `{ ok: false, error }`, so callers handle one error branch.
 */
@Injectable()
export class SocketClient {
  private readonly factory = inject(SOCKET_FACTORY);
  private readonly ackTimeoutMs = inject(SOCKET_ACK_TIMEOUT_MS);
  private readonly session = inject(SOCKET_SESSION);
  private readonly window = inject(DOCUMENT).defaultView;

  private socket: ClientSocket | null = null;
  private everConnected = false;
  private closedForGood = false;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  /** Subscribers by event; they outlive any one socket (a reconnect after logout makes a new one). */
  private readonly handlers = new Map<ServerEventName, Set<Handler<never>>>();

  private readonly rawState = signal<ConnectionState>('idle');
  private readonly browserOnline = signal(this.window?.navigator.onLine ?? true);

  /** Connection state for the UI; 'offline' when the browser itself has no network. */
  readonly state = computed<ConnectionState>(() => {
    const state = this.rawState();
    return state !== 'connected' && state !== 'idle' && !this.browserOnline() ? 'offline' : state;
  });
  readonly connected = computed(() => this.rawState() === 'connected');

  constructor() {
    const online = () => this.browserOnline.set(true);
    const offline = () => this.browserOnline.set(false);
    this.window?.addEventListener('online', online);
    this.window?.addEventListener('offline', offline);
    inject(DestroyRef).onDestroy(() => {
      this.window?.removeEventListener('online', online);
      this.window?.removeEventListener('offline', offline);
      this.disconnect();
    });
  }

  /** Opens the connection (once); the token is read again on every reconnect attempt. */
  connect(): void {
    if (this.socket) return;
    const socket = this.factory((cb) => cb({ token: this.session.token() ?? '' }));
    this.socket = socket;
    this.closedForGood = false;
    this.wire(socket);
    this.rawState.set('connecting');
    socket.connect();
  }

  disconnect(): void {
    this.clearRetry();
    const socket = this.socket;
    this.socket = null;
    this.everConnected = false;
    this.rawState.set('idle');
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
    }
  }

  /** Subscribes to a server event; returns the unsubscribe function. */
  on<E extends ServerEventName>(event: E, handler: Handler<E>): () => void {
    let handlers = this.handlersOf(event);
    if (!handlers) {
      handlers = new Set();
      this.handlers.set(event, handlers);
      if (this.socket) this.forward(this.socket, event);
    }
    handlers.add(handler);
    return () => handlers.delete(handler);
  }

  send(req: SendMessageRequest): Promise<SendMessageAck> {
    return this.request((socket, done) => socket.emit('message:send', req, done));
  }

  edit(req: EditMessageRequest): Promise<EditMessageAck> {
    return this.request((socket, done) => socket.emit('message:edit', req, done));
  }

  remove(req: DeleteMessageRequest): Promise<DeleteMessageAck> {
    return this.request((socket, done) => socket.emit('message:delete', req, done));
  }

  /** `reaction:add` when `add`, else `reaction:remove`. */
  react(req: ReactionRequest, add: boolean): Promise<ReactionAck> {
    return this.request((socket, done) => socket.emit(add ? 'reaction:add' : 'reaction:remove', req, done));
  }

  sync(req: SyncRequest): Promise<SyncAck> {
    return this.request((socket, done) => socket.emit('room:sync', req, done));
  }

  markRead(req: ReadRequest): Promise<ReadAck> {
    return this.request((socket, done) => socket.emit('room:read', req, done));
  }

  /** Typing is ephemeral: sent without ack and dropped, not buffered, while disconnected. */
  typing(req: TypingRequest): void {
    if (this.socket?.connected) this.socket.volatile.emit('typing', req);
  }

  private request<T extends object>(emit: (socket: TimedSocket, done: (err: Error | null, ack: Ack<T>) => void) => void): Promise<Ack<T>> {
    const socket = this.socket;
    // Not emitting while disconnected: socket.io would buffer the packet and replay it later,
    // behind the caller's back. Callers (the outbox) decide what to resend.
    if (!socket?.connected) return Promise.resolve(failure(NOT_CONNECTED));
    return new Promise((resolve) => {
      emit(socket.timeout(this.ackTimeoutMs), (err, ack) => resolve(err ? failure(TIMED_OUT) : checkAck(ack)));
    });
  }

  private handlersOf<E extends ServerEventName>(event: E): Set<Handler<E>> | undefined {
    // Each set only ever holds handlers registered for its own event (see `on`).
    return this.handlers.get(event) as Set<Handler<E>> | undefined;
  }

  /** One socket listener per event, fanning out to the subscribers. */
  private forward<E extends ServerEventName>(socket: ClientSocket, event: E): void {
    // socket.io's `on` cannot resolve its listener type for a generic event name; this is the
    // same signature, spelled with the contract's map.
    const on = socket.on.bind(socket) as unknown as (event: E, listener: Handler<E>) => void;
    on(event, (payload) => this.dispatch(event, payload));
  }

  private dispatch<E extends ServerEventName>(event: E, payload: ServerPayload<E>): void {
    for (const handler of [...(this.handlersOf(event) ?? [])]) {
      try {
        handler(payload);
      } catch (err) {
        // One failing handler must not starve the others of the event.
        console.error(`Handler for ${event} failed`, err);
      }
    }
  }

  private wire(socket: ClientSocket): void {
    socket.on('connect', () => {
      this.everConnected = true;
      this.rawState.set('connected');
    });
    socket.on('disconnect', (reason) => {
      if (reason === 'io client disconnect') return;
      this.rawState.set('reconnecting');
      // The server hung up on purpose (drain, restart): socket.io does not retry that by itself.
      if (reason === 'io server disconnect' && !this.closedForGood) this.retryLater(socket, 500);
    });
    socket.on('connect_error', (err) => {
      const code = connectErrorCode(err);
      if (code === ErrorCode.UNAUTHORIZED) {
        this.closedForGood = true;
        this.disconnect();
        this.session.expire();
        return;
      }
      this.rawState.set(this.everConnected ? 'reconnecting' : 'connecting');
      // A refusal by the server's middleware is final for socket.io; try again ourselves.
      if (!socket.active) this.retryLater(socket, RETRY_REFUSED_MS);
    });

    socket.on('session:closed', (e) => {
      if (e.code !== 'DRAINING') {
        this.closedForGood = true;
        this.session.expire(e.message);
      }
    });
    for (const event of this.handlers.keys()) this.forward(socket, event);
  }

  private retryLater(socket: ClientSocket, delayMs: number): void {
    this.clearRetry();
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (this.socket === socket && !socket.connected) socket.connect();
    }, delayMs);
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.retryTimer = null;
  }
}
