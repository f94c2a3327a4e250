import { connect, createServer, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream: Socket;
}

/**
 * A loopback TCP proxy in front of one or more pods, as a real deployment has a load balancer.
 *
 * - Fail-over: each new client connection goes to the first upstream port that accepts it, so when
 *   the preferred pod dies its clients' reconnects land on the next one (the browser sees one origin).
 * - Cuts: cutOnNextServerData() drops the next bytes a pod sends (e.g. the ack of a send that was
 *   just committed) and closes both sides, as a network failure would.
 * - pause() refuses new connections (an outage between clients and fleet); blockRealtime() refuses
 *   only new Socket.IO connections (a proxy that breaks WebSockets), so pages still load.
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  /** Client connections not yet linked to a pod (waiting for their first bytes or an upstream). */
  private readonly pending = new Set<Socket>();
  private readonly server: Server;
  private armed: (() => void) | null = null;
  private paused = false;
  private realtimeBlocked = false;
  private listeningPort = 0;
  /** Bytes discarded by cuts. */
  droppedBytes = 0;

  private constructor(private readonly upstreams: readonly number[]) {
    this.server = createServer((client) => this.accept(client));
  }

  /** Listens on a free loopback port; `upstreams` in order of preference. */
  static async start(upstreams: number | readonly number[]): Promise<TcpProxy> {
    const proxy = new TcpProxy(typeof upstreams === 'number' ? [upstreams] : [...upstreams]);
    await new Promise<void>((resolveListen, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolveListen());
    });
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy.listeningPort = address.port;
    return proxy;
  }

  get port(): number {
    return this.listeningPort;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listeningPort}`;
  }

  get openConnections(): number {
    return this.links.size;
  }

  /** Refuses new connections until resume(); open ones go on. */
  pause(): void {
    this.paused = true;
  }

  resume(): void {
    this.paused = false;
  }

  /** While blocked, new connections whose first request is for /socket.io/ are refused. */
  blockRealtime(blocked: boolean): void {
    this.realtimeBlocked = blocked;
  }

  /** Resolves once the next chunk from a pod has been dropped and its connection closed. */
  cutOnNextServerData(timeoutMs = 10_000): Promise<void> {
    if (this.armed) throw new Error('a cut is already armed');
    return new Promise((resolveCut, reject) => {
      const timer = setTimeout(() => {
        this.armed = null;
        reject(new Error(`the pod sent nothing within ${timeoutMs} ms`));
      }, timeoutMs);
      this.armed = () => {
        clearTimeout(timer);
        resolveCut();
      };
    });
  }

  async close(): Promise<void> {
    for (const client of this.pending) client.destroy();
    for (const link of this.links) this.drop(link);
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private accept(client: Socket): void {
    if (this.paused) {
      client.destroy();
      return;
    }
    this.pending.add(client);
    client.once('close', () => this.pending.delete(client));
    client.on('error', () => client.destroy());
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
    let link: Link | null = null;
    upstream.once('connect', () => {
      if (client.destroyed) {
        upstream.destroy();
        return;
      }
      const connected: Link = { client, upstream };
      link = connected;
      this.pending.delete(client);
      this.links.add(connected);
      const close = () => this.drop(connected);
      client.on('close', close);
      upstream.on('close', close);
      upstream.write(first);
      client.on('data', (chunk: Buffer) => upstream.write(chunk));
      upstream.on('data', (chunk: Buffer) => {
        const cut = this.armed;
        if (cut) {
          this.armed = null;
          this.droppedBytes += chunk.length;
          this.drop(connected);
          cut();
          return;
        }
        client.write(chunk);
      });
      client.resume();
    });
    upstream.on('error', () => {
      // Refused: that pod is down, try the next one. Reset later: the pod died under us.
      if (link === null) this.connectUpstream(client, first, index + 1);
      else this.drop(link);
    });
  }

  private drop(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  }
}
