import type {
  AdminStats,
  AuthResponse,
  ClientToServerEvents,
  Message,
  MyRoom,
  ServerToClientEvents,
  SessionReadyEvent,
} from '@chat/contracts';
import { io, type Socket } from 'socket.io-client';

/** REST and Socket.IO straight to a pod: for seeding data and checking the server's view. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    readonly auth: AuthResponse,
  ) {}

  get userId(): string {
    return this.auth.user.id;
  }

  static async register(baseUrl: string, username: string, password: string, displayName?: string): Promise<ApiClient> {
    return new ApiClient(
      baseUrl,
      await request<AuthResponse>(baseUrl, 'POST', '/api/auth/register', null, { username, password, displayName }),
    );
  }

  static async login(baseUrl: string, username: string, password: string): Promise<ApiClient> {
    return new ApiClient(baseUrl, await request<AuthResponse>(baseUrl, 'POST', '/api/auth/login', null, { username, password }));
  }

  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return request<T>(this.baseUrl, method, path, this.auth.accessToken, body);
  }

  createRoom(name: string, visibility: 'public' | 'private' = 'public'): Promise<MyRoom> {
    return this.call<MyRoom>('POST', '/api/rooms', { name, visibility });
  }

  join(roomId: string): Promise<MyRoom> {
    return this.call<MyRoom>('POST', `/api/rooms/${roomId}/join`, {});
  }

  stats(): Promise<AdminStats> {
    return this.call<AdminStats>('GET', '/api/admin/stats');
  }

  /** A connected socket of this user (resolves after session:ready). */
  async socket(): Promise<SeedSocket> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(this.baseUrl, {
      auth: { token: this.auth.accessToken },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    await new Promise<SessionReadyEvent>((done, fail) => {
      socket.once('session:ready', done);
      socket.once('connect_error', fail);
    });
    return new SeedSocket(socket);
  }
}

export class SeedSocket {
  constructor(readonly raw: Socket<ServerToClientEvents, ClientToServerEvents>) {}

  /** Sends a message; with `threadRootId`, a reply in that thread. */
  async send(
    roomId: string,
    body: string,
    clientMsgId = `seed-${Math.random().toString(36).slice(2)}`,
    threadRootId?: string,
  ): Promise<Message> {
    const request = threadRootId ? { roomId, clientMsgId, body, threadRootId } : { roomId, clientMsgId, body };
    const ack = await this.raw.timeout(10_000).emitWithAck('message:send', request);
    if (!ack.ok) throw new Error(`send failed: ${ack.error.code} ${ack.error.message}`);
    return ack.message;
  }

  close(): void {
    this.raw.disconnect();
  }
}

async function request<T>(baseUrl: string, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (token) headers['Authorization'] = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}
