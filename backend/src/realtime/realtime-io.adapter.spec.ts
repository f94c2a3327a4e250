import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { WsMessageHandler } from '@nestjs/common';
import { of } from 'rxjs';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import type { AppConfig } from '../config/app-config';
import type { RedisClients } from '../redis/redis-clients';
import { AppError } from '../common/app-error';
import { REFUSED_READ_PAUSE_MS, RealtimeIoAdapter } from './realtime-io.adapter';

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
