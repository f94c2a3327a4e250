import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { countBroadcastDeliveries } from './delivery-counter';

/** A real Socket.IO server (in-memory adapter) and real clients: pins the adapter internals the counter wraps. */
describe('countBroadcastDeliveries', () => {
  let server: Server;
  let clients: ClientSocket[] = [];
  let port: number;
  const counted: number[] = [];

  beforeAll(async () => {
    const http = createServer();
    server = new Server(http);
    countBroadcastDeliveries(server.of('/').adapter, 'message:new', (sockets) => counted.push(sockets));
    server.on('connection', (socket) => {
      const room = socket.handshake.auth['room'];
      if (typeof room === 'string') void socket.join(room);
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
    clients = ['a', 'a', 'a', 'b'].map((room) => connect(`http://127.0.0.1:${port}`, { auth: { room }, transports: ['websocket'] }));
    await Promise.all(clients.map((client) => new Promise((resolve) => client.on('connect', () => resolve(undefined)))));
    // Joins run on connection; give the server a tick to apply them.
    await new Promise((resolve) => setTimeout(resolve, 50));
  });

  afterAll(async () => {
    clients.forEach((client) => client.close());
    await server.close();
  });

  it('counts the sockets each broadcast of the event reached, and only that event', async () => {
    const received = clients.map(() => 0);
    clients.forEach((client, index) => client.on('message:new', () => (received[index] = (received[index] ?? 0) + 1)));
    server.to('a').emit('message:new', { n: 1 });
    server
      .to('a')
      .except(clients[0]?.id ?? '')
      .emit('message:new', { n: 2 });
    server.to('b').emit('typing', {});
    server.to('nobody').emit('message:new', { n: 3 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(counted).toEqual([3, 2, 0]);
    expect(received).toEqual([1, 2, 2, 0]);
  });
});
