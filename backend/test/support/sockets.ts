import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ConnectErrorData, ServerToClientEvents, SessionReadyEvent } from '@chat/contracts';
import { sleep } from '@chat/test-harness';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type ServerEventName = keyof ServerToClientEvents;
export type ServerEventPayload<E extends ServerEventName> = Parameters<ServerToClientEvents[E]>[0];
export type ClientEventName = keyof ClientToServerEvents;
export type ClientEventPayload<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[0];
/** What the ack of a client event carries, e.g. `{ message }` for message:send. */
export type AckOf<E extends ClientEventName> = Parameters<ClientToServerEvents[E]>[1] extends ((ack: infer A) => void) | undefined
  ? A
  : never;

export interface RecordedEvent {
  name: string;
  payload: unknown;
  at: number;
}

export const DEFAULT_WAIT_MS = 10_000;

/**
 * A connected test client: records every server event from the moment it connects, so a test can
 * wait for an event that may already have arrived and can assert that some event never came.
 */
export class ChatClient {
  readonly events: RecordedEvent[] = [];
  readonly sessions: SessionReadyEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(
    readonly label: string,
    readonly socket: ClientSocket,
  ) {
    socket.onAny((name: string, payload: unknown) => {
      this.events.push({ name, payload, at: Date.now() });
      if (name === 'session:ready') this.sessions.push(payload as SessionReadyEvent);
      for (const wake of [...this.waiters]) wake();
    });
  }

  /** Events of one name seen so far, optionally filtered. */
  seen<E extends ServerEventName>(name: E, predicate: (payload: ServerEventPayload<E>) => boolean = () => true): ServerEventPayload<E>[] {
    return this.events
      .filter((event) => event.name === name)
      .map((event) => event.payload as ServerEventPayload<E>)
      .filter(predicate);
  }

  /** Resolves with the first matching event recorded after index `fromIndex` (default: any time). */
  waitFor<E extends ServerEventName>(
    name: E,
    predicate: (payload: ServerEventPayload<E>) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ServerEventPayload<E>> {
    return this.waitForCount(name, 1, predicate, timeoutMs).then((found) => found[0] as ServerEventPayload<E>);
  }

  /** Resolves once at least `count` matching events were recorded; rejects with what was seen on timeout. */
  waitForCount<E extends ServerEventName>(
    name: E,
    count: number,
    predicate: (payload: ServerEventPayload<E>) => boolean = () => true,
    timeoutMs = DEFAULT_WAIT_MS,
  ): Promise<ServerEventPayload<E>[]> {
    return new Promise((resolveWait, reject) => {
      const check = (): boolean => {
        const found = this.seen(name, predicate);
        if (found.length >= count) {
          finish();
          resolveWait(found);
          return true;
        }
        return false;
      };
      const timer = setTimeout(() => {
        finish();
        const got = this.seen(name, predicate).length;
        const names = this.events.map((event) => event.name).join(', ');
        reject(new Error(`${this.label}: waited ${timeoutMs} ms for ${count} x "${name}", got ${got}. Events so far: [${names}]`));
      }, timeoutMs);
      const finish = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
      };
      const wake = () => {
        check();
      };
      if (!check()) this.waiters.add(wake);
    });
  }

  /** Emits a request and resolves with its ack; rejects if no ack comes within `timeoutMs`. */
  request<E extends ClientEventName>(name: E, payload: ClientEventPayload<E>, timeoutMs = DEFAULT_WAIT_MS): Promise<AckOf<E>> {
    return emitRaw(this.socket, name, payload, timeoutMs) as Promise<AckOf<E>>;
  }

  /** Sends anything at all (malformed payloads); the ack is returned untyped. */
  requestRaw(name: string, payload: unknown, timeoutMs = DEFAULT_WAIT_MS): Promise<Ack<Record<string, unknown>>> {
    return emitRaw(this.socket, name, payload, timeoutMs) as Promise<Ack<Record<string, unknown>>>;
  }

  /** Resolves once the socket is disconnected on both sides. */
  async close(): Promise<void> {
    if (this.socket.disconnected) {
      this.socket.close();
      return;
    }
    this.socket.close();
    // Give the server a moment to process the disconnect (presence, rooms).
    await sleep(50);
  }
}

function emitRaw(socket: ClientSocket, name: string, payload: unknown, timeoutMs: number): Promise<unknown> {
  const untyped = socket as unknown as Socket;
  return new Promise((resolveAck, reject) => {
    untyped.timeout(timeoutMs).emit(name, payload, (err: Error | null, ack: unknown) => {
      if (err) {
        reject(new Error(`no ack for "${name}" within ${timeoutMs} ms (payload ${JSON.stringify(payload).slice(0, 200)})`));
        return;
      }
      resolveAck(ack);
    });
  });
}

function openSocket(baseUrl: string, auth: Record<string, unknown> | undefined): ClientSocket {
  return io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    auth,
    reconnection: false,
    forceNew: true,
    timeout: 10_000,
  });
}

/** Connects with a token and waits for the connection and its first session:ready. */
export async function connectClient(baseUrl: string, token: string, label = 'client'): Promise<ChatClient> {
  const socket = openSocket(baseUrl, { token });
  const client = new ChatClient(label, socket);
  try {
    await new Promise<void>((resolveConnect, reject) => {
      const timer = setTimeout(() => reject(new Error(`${label}: no connect within 10 s to ${baseUrl}`)), 10_000);
      socket.once('connect', () => {
        clearTimeout(timer);
        resolveConnect();
      });
      socket.once('connect_error', (err: Error & { data?: unknown }) => {
        clearTimeout(timer);
        reject(new Error(`${label}: connect_error ${err.message} ${JSON.stringify(err.data)}`));
      });
    });
    await client.waitFor('session:ready');
  } catch (err) {
    socket.close();
    throw err;
  }
  return client;
}

export interface RefusedHandshake {
  message: string;
  data: Partial<ConnectErrorData> | undefined;
}

/** Connects with the given auth (or none) and resolves with the connect_error; rejects if it connects. */
export function expectRefusedHandshake(baseUrl: string, auth: Record<string, unknown> | undefined): Promise<RefusedHandshake> {
  const socket = openSocket(baseUrl, auth);
  return new Promise<RefusedHandshake>((resolveRefusal, reject) => {
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('neither connect nor connect_error within 10 s'));
    }, 10_000);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.close();
      reject(new Error('handshake was accepted'));
    });
    socket.once('connect_error', (err: Error & { data?: Partial<ConnectErrorData> }) => {
      clearTimeout(timer);
      socket.close();
      resolveRefusal({ message: err.message, data: err.data });
    });
  });
}
