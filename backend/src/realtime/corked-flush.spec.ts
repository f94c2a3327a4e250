import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { corkEachFlush } from './corked-flush';

/** The TCP socket under a server socket's WebSocket transport (Engine.IO and ws internals, pinned here). */
function tcpOf(socket: Socket): NetSocket {
  const tcp = (socket.conn.transport as unknown as { socket?: { _socket?: NetSocket } }).socket?._socket;
  if (!tcp) throw new Error('no TCP socket under the WebSocket transport');
  return tcp;
}

/** A real Socket.IO server and client over WebSocket: a flush of several packets reaches the kernel in one write. */
describe('corkEachFlush', () => {
  let server: Server;
  let client: ClientSocket;
  let serverSocket: Socket;

  beforeAll(async () => {
    corkEachFlush();
    const http = createServer();
    server = new Server(http, { transports: ['websocket'] });
    const connected = new Promise<Socket>((resolve) => server.on('connection', resolve));
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: ['websocket'] });
    serverSocket = await connected;
    await new Promise((resolve) => (client.connected ? resolve(undefined) : client.once('connect', () => resolve(undefined))));
  });

  afterAll(async () => {
    client.close();
    await server.close();
  });

  it('writes the packets that waited for a pending write with one system call, in order', async () => {
    const tcp = tcpOf(serverSocket);
    // Each call of _write or _writev is one write system call (libuv's writev).
    let writes = 0;
    const write = tcp._write.bind(tcp);
    const writev = tcp._writev?.bind(tcp);
    tcp._write = (...args: Parameters<NetSocket['_write']>) => {
      writes += 1;
      write(...args);
    };
    if (writev) {
      tcp._writev = (...args: Parameters<NonNullable<NetSocket['_writev']>>) => {
        writes += 1;
        writev(...args);
      };
    }
    const received: number[] = [];
    const all = new Promise<void>((resolve) =>
      client.on('n', (n: number) => {
        received.push(n);
        if (received.length === 6) resolve();
      }),
    );
    // The first packet is written at once; the other five wait for its write and leave in one flush.
    for (let n = 1; n <= 6; n += 1) serverSocket.emit('n', n);
    await all;
    expect(received).toEqual([1, 2, 3, 4, 5, 6]);
    expect(writes).toBe(2);
  });
});
