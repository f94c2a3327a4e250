import { EventEmitter } from 'node:events';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { compactConnectionListeners, compactListeners } from './compact-listeners';

setFlagsFromString('--allow-natives-syntax');
/** V8's own answer: whether an object keeps its properties in fast mode (not a hash table). */
const hasFastProperties = runInNewContext('(object) => %HasFastProperties(object)') as (object: object) => boolean;
const tableOf = (emitter: object): object => (emitter as { _events: object })._events;

describe('compactListeners', () => {
  it('turns a hash-table listener table into a fast one that keeps every listener and its null prototype', () => {
    const emitter = new EventEmitter();
    const heard: string[] = [];
    for (const event of ['error', 'a', 'b', 'c', 'd', 'e']) emitter.on(event, () => heard.push(event));
    emitter.once('f', () => heard.push('f once'));
    expect(hasFastProperties(tableOf(emitter))).toBe(false);

    compactListeners(emitter);

    expect(hasFastProperties(tableOf(emitter))).toBe(true);
    expect(Object.getPrototypeOf(tableOf(emitter))).toBeNull();
    for (const event of ['error', 'a', 'b', 'c', 'd', 'e', 'f', 'f']) emitter.emit(event);
    expect(heard).toEqual(['error', 'a', 'b', 'c', 'd', 'e', 'f once']);
    // An inherited name is not an event (the table has no prototype).
    expect(emitter.emit('toString')).toBe(false);
  });

  it('leaves adding and removing listeners working', () => {
    const emitter = new EventEmitter();
    const first = jest.fn();
    emitter.on('x', first);
    compactListeners(emitter);
    const second = jest.fn();
    emitter.on('x', second);
    emitter.on('y', second);
    emitter.off('x', first);
    emitter.emit('x', 1);
    emitter.emit('y', 2);
    expect(first).not.toHaveBeenCalled();
    expect(second.mock.calls).toEqual([[1], [2]]);
    expect(emitter.listenerCount('x')).toBe(1);
    emitter.removeAllListeners();
    expect(emitter.eventNames()).toEqual([]);
  });

  it('leaves a table with a `__proto__` event as it is', () => {
    const emitter = new EventEmitter();
    const odd = jest.fn();
    emitter.on('__proto__', odd);
    const table = tableOf(emitter);
    compactListeners(emitter);
    expect(tableOf(emitter)).toBe(table);
    emitter.emit('__proto__', 1);
    expect(odd).toHaveBeenCalledWith(1);
  });

  it('leaves a table that is fast already (a stream’s) as it is', () => {
    const stream = new PassThrough();
    const table = tableOf(stream);
    compactListeners(stream);
    expect(tableOf(stream)).toBe(table);
    compactListeners(undefined);
  });
});

describe('compactConnectionListeners', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { pingInterval: 60_000, pingTimeout: 60_000 });
    compactConnectionListeners(io);
    // Bound after the compaction's own listener, as Nest binds the gateways' handlers.
    io.on('connection', (socket) => {
      for (const event of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) socket.on(event, (ack: (reply: string) => void) => ack(event));
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    for (const client of clients) client.disconnect();
    await io.close();
  });

  it('compacts the socket’s, the session’s, the transport’s and the WebSocket’s tables, after every handler is bound', async () => {
    const connected = new Promise<Socket>((resolve) => io.once('connection', resolve));
    const client = connect(url, { transports: ['websocket'], forceNew: true });
    clients.push(client);
    const socket = await connected;
    await new Promise((resolve) => setImmediate(resolve));
    const transport = socket.conn.transport as unknown as { socket: object };
    for (const emitter of [socket, socket.conn, transport, transport.socket]) {
      expect(hasFastProperties(tableOf(emitter))).toBe(true);
    }
    await expect(client.timeout(5_000).emitWithAck('h')).resolves.toBe('h');
    const gone = new Promise((resolve) => socket.once('disconnect', resolve));
    client.disconnect();
    await expect(gone).resolves.toBe('client namespace disconnect');
  });

  it('compacts a long-polling session again once it upgraded to a WebSocket', async () => {
    const connected = new Promise<Socket>((resolve) => io.once('connection', resolve));
    const client = connect(url, { transports: ['polling', 'websocket'], forceNew: true });
    clients.push(client);
    const socket = await connected;
    expect(socket.conn.transport.name).toBe('polling');
    await new Promise((resolve) => socket.conn.once('upgrade', resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const transport = socket.conn.transport as unknown as { name: string; socket: object };
    expect(transport.name).toBe('websocket');
    for (const emitter of [socket, socket.conn, transport, transport.socket]) {
      expect(hasFastProperties(tableOf(emitter))).toBe(true);
    }
    await expect(client.timeout(5_000).emitWithAck('a')).resolves.toBe('a');
  });
});
