import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WsMessageHandler } from '@nestjs/common';
import { of } from 'rxjs';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { AppConfig } from '../config/app-config';
import type { RedisClients } from '../redis/redis-clients';
import { AppError } from '../common/app-error';
import { REFUSED_READ_PAUSE_MS, RealtimeIoAdapter, SOCKET_REQUESTS_IN_FLIGHT } from './realtime-io.adapter';

/** Requests of the `held` handler that started, in order, each with the function that answers it. */
const held: { n: number; release: () => void }[] = [];

/** The handlers a gateway would have, bound to one socket as Nest binds them (`callback.bind(instance, client)`). */
function handlersFor(socket: Socket): WsMessageHandler[] {
  const handler = (message: string, callback: (client: Socket, data: unknown) => unknown, isAckHandledManually = false) => ({
    message,
    callback: callback.bind(null, socket) as WsMessageHandler['callback'],
    isAckHandledManually,
  });
  return [
    handler('whoami', (client, data) => ({ id: client.id, data })),
    handler('later', async (client) => ({ id: client.id })),
    handler('stream', (client) => of({ id: client.id })),
    handler('event', () => ({ event: 'told', data: 'hello' })),
    handler('manual', (client, data) => (data as { ack?: boolean }).ack && undefined, true),
    handler('held', (_client, n) => new Promise((resolve) => held.push({ n: n as number, release: () => resolve({ n }) }))),
  ];
}

describe('RealtimeIoAdapter.bindMessageHandlers', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    const adapter = new RealtimeIoAdapter(undefined as never, {} as AppConfig, {} as RedisClients);
    http = createServer();
    io = new Server(http);
    io.on('connection', (socket) => adapter.bindMessageHandlers(socket, handlersFor(socket)));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await io.close();
  });

  async function client(): Promise<ClientSocket> {
    const socket = connect(url, { transports: ['websocket'], forceNew: true });
    clients.push(socket);
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    return socket;
  }

  it('answers each socket through its own handlers, though the listeners are shared', async () => {
    const [a, b] = await Promise.all([client(), client()]);
    const [answerA, answerB] = await Promise.all([a.emitWithAck('whoami', 1), b.emitWithAck('whoami', 2)]);
    expect(answerA).toEqual({ id: a.id, data: 1 });
    expect(answerB).toEqual({ id: b.id, data: 2 });
  });

  it('acks a promise or an observable with its value, and emits an { event, data } answer instead', async () => {
    const socket = await client();
    await expect(socket.emitWithAck('later')).resolves.toEqual({ id: socket.id });
    await expect(socket.emitWithAck('stream')).resolves.toEqual({ id: socket.id });
    const told = new Promise((resolve) => socket.once('told', resolve));
    socket.emit('event');
    await expect(told).resolves.toBe('hello');
  });

  it(`handles at most ${SOCKET_REQUESTS_IN_FLIGHT} requests of a socket at once, starting the others in order as those are answered, and reads the socket only while none wait`, async () => {
    const socket = await client();
    const serverSocket = io.sockets.sockets.get(socket.id ?? '');
    const ws = (serverSocket?.conn.transport as unknown as { socket: { isPaused: boolean } }).socket;
    const total = SOCKET_REQUESTS_IN_FLIGHT + 3;
    const answers = Array.from({ length: total }, (_, n) => socket.emitWithAck('held', n));
    const until = async (condition: () => boolean) => {
      while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
    };
    await until(() => held.length === SOCKET_REQUESTS_IN_FLIGHT);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(held.map((request) => request.n)).toEqual(Array.from({ length: SOCKET_REQUESTS_IN_FLIGHT }, (_, n) => n));
    expect(ws.isPaused).toBe(true);
    // Another socket is not held up by this one.
    const other = await client();
    await expect(other.emitWithAck('whoami', 'free')).resolves.toEqual({ id: other.id, data: 'free' });

    held[0]?.release();
    await until(() => held.length === SOCKET_REQUESTS_IN_FLIGHT + 1);
    expect(held[SOCKET_REQUESTS_IN_FLIGHT]?.n).toBe(SOCKET_REQUESTS_IN_FLIGHT);
    expect(ws.isPaused).toBe(true);
    for (let i = 1; i < total; i += 1) {
      await until(() => held.length > i);
      held[i]?.release();
    }
    await expect(Promise.all(answers)).resolves.toEqual(Array.from({ length: total }, (_, n) => ({ n })));
    expect(held.map((request) => request.n)).toEqual(Array.from({ length: total }, (_, n) => n));
    expect(ws.isPaused).toBe(false);
    held.length = 0;
  });

  it('leaves the ack alone when the handler answers it itself', async () => {
    const socket = await client();
    await expect(socket.timeout(300).emitWithAck('manual', { ack: false })).rejects.toThrow();
  });
});

describe('RealtimeIoAdapter admission', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const serverSockets: Socket[] = [];
  const doneCalls: string[] = [];
  let refuse = false;

  beforeAll(async () => {
    const admission = {
      admit: () => (refuse ? AppError.rateLimited('slow down', 1_000) : null),
      done: (_socket: Socket, event: string) => void doneCalls.push(event),
    };
    const adapter = new RealtimeIoAdapter(undefined as never, {} as AppConfig, {} as RedisClients, admission);
    http = createServer();
    io = new Server(http);
    io.on('connection', (socket) => {
      serverSockets.push(socket);
      adapter.bindMessageHandlers(socket, handlersFor(socket));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await io.close();
  });

  it('tells `done` once per admitted request; answers a refused one with its error and stops reading that socket for a moment', async () => {
    const socket = connect(url, { transports: ['websocket'], forceNew: true });
    await new Promise<void>((resolve) => socket.once('connect', resolve));
    await expect(socket.emitWithAck('later')).resolves.toEqual({ id: socket.id });
    await expect(socket.emitWithAck('stream')).resolves.toEqual({ id: socket.id });
    expect(doneCalls).toEqual(['later', 'stream']);

    refuse = true;
    await expect(socket.emitWithAck('whoami', 1)).resolves.toMatchObject({
      ok: false,
      error: { code: 'RATE_LIMITED', retryAfterMs: 1_000 },
    });
    expect(doneCalls).toEqual(['later', 'stream']);
    const ws = (serverSockets[0]?.conn.transport as unknown as { socket: { isPaused: boolean } }).socket;
    expect(ws.isPaused).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, REFUSED_READ_PAUSE_MS + 50));
    expect(ws.isPaused).toBe(false);

    refuse = false;
    await expect(socket.emitWithAck('whoami', 2)).resolves.toEqual({ id: socket.id, data: 2 });
    socket.disconnect();
  });
});
