import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A tiny TCP load balancer in front of the pods, as a real deployment has one. Each new client
 * connection goes to the first upstream that accepts it, so when the preferred pod dies its
 * clients' reconnects land on the next one. The browser sees one origin and the product code
 * runs unchanged.
 *
 * `pause()` refuses new connections (a network outage between browser and fleet) so a test can
 * make things happen while a client is certainly away. `blockRealtime()` refuses only new
 * Socket.IO connections (a proxy that breaks WebSockets), so pages still load.
 */
export class FailoverProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private paused = false;
  private realtimeBlocked = false;
  port = 0;

  constructor(private readonly upstreams: readonly number[]) {
    this.server = createServer((client) => this.accept(client));
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async listen(): Promise<this> {
    await new Promise<void>((done, fail) => {
      this.server.once('error', fail);
      this.server.listen(0, '127.0.0.1', () => done());
    });
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this;
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  blockRealtime(blocked: boolean): void {
    this.realtimeBlocked = blocked;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private track(socket: Socket): void {
    this.sockets.add(socket);
    socket.once('close', () => this.sockets.delete(socket));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => client.destroy());
    if (this.paused) {
      client.destroy();
      return;
    }
    // The first bytes say what the connection is for (a WebSocket always gets its own).
    client.once('data', (first: Buffer) => {
      client.pause();
      if (this.realtimeBlocked && first.toString('latin1', 0, 64).includes(' /socket.io/')) {
        client.destroy();
        return;
      }
      this.connectUpstream(client, first, 0);
    });
  }

  private connectUpstream(client: Socket, first: Buffer, index: number): void {
    const port = this.upstreams[index];
    if (port === undefined || client.destroyed) {
      client.destroy();
      return;
    }
    const upstream = connect(port, '127.0.0.1');
    this.track(upstream);
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      upstream.write(first);
      client.pipe(upstream);
      upstream.pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      // Refused: that pod is down, try the next one. Reset later: the pod died under us.
      if (!connected) this.connectUpstream(client, first, index + 1);
      else client.destroy();
    });
    upstream.on('close', () => {
      if (connected) client.destroy();
    });
    client.once('close', () => upstream.destroy());
  }
}
