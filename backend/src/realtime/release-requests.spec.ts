import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Server, type Socket } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { releaseOpeningRequests } from './release-requests';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

describe('releaseOpeningRequests', () => {
  let http: HttpServer;
  let io: Server;
  let url: string;
  const clients: ClientSocket[] = [];

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { pingInterval: 60_000, pingTimeout: 60_000 });
    releaseOpeningRequests(io);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });

  afterEach(() => {
    for (const client of clients.splice(0)) client.disconnect();
  });

  afterAll(async () => {
    await io.close();
  });

  /** Connects a client; resolves with the server's socket and a weak reference to the request that opened it. */
  async function open(transports: ('websocket' | 'polling')[]): Promise<{ socket: Socket; request: WeakRef<IncomingMessage> }> {
    const opened = new Promise<{ socket: Socket; request: WeakRef<IncomingMessage> }>((resolve) => {
      io.engine.once('connection', (raw: { request: IncomingMessage }) => {
        const request = new WeakRef(raw.request);
        io.once('connection', (socket) => resolve({ socket, request }));
      });
    });
    clients.push(connect(url, { transports, forceNew: true, auth: { token: 't' } }));
    return opened;
  }

  it.each([[['websocket' as const]], [['polling' as const]]])(
    'lets the opening request be collected while the socket stays open (%j)',
    async (transports) => {
      const { socket, request } = await open(transports);
      expect(socket.conn.request).toBeNull();
      // The handshake was built from the request first, and keeps what it took from it.
      expect(socket.handshake.headers.host).toBe(url.slice('http://'.length));
      expect(socket.handshake.auth).toEqual({ token: 't' });
      await new Promise((resolve) => setImmediate(resolve));
      collectGarbage();
      expect(request.deref()).toBeUndefined();
      expect(socket.connected).toBe(true);
    },
  );

  it('still answers the socket after the release', async () => {
    io.once('connection', (socket) => socket.on('echo', (ack: (answer: string) => void) => ack('back')));
    clients.push(connect(url, { transports: ['websocket'], forceNew: true }));
    await expect(clients[0]?.timeout(5_000).emitWithAck('echo')).resolves.toBe('back');
  });
});
