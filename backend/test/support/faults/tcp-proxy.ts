import { connect, createServer, type Server, type Socket } from 'node:net';

interface Link {
  client: Socket;
  upstream: Socket;
}

/**
 * A loopback TCP proxy in front of one pod, so a test can cut a client's connection at an exact moment:
 * cutOnNextServerData() drops the next bytes the pod sends (e.g. the ack of a send that was just
 * committed) and closes both sides, as a network failure would.
 */
export class TcpProxy {
  private readonly links = new Set<Link>();
  private readonly server: Server;
  private armed: (() => void) | null = null;
  private listeningPort = 0;
  /** Bytes discarded by cuts. */
  droppedBytes = 0;

  private constructor(private readonly targetPort: number) {
    this.server = createServer((client) => this.accept(client));
  }

  static async start(targetPort: number): Promise<TcpProxy> {
    const proxy = new TcpProxy(targetPort);
    await new Promise<void>((resolveListen, reject) => {
      proxy.server.once('error', reject);
      proxy.server.listen(0, '127.0.0.1', () => resolveListen());
    });
    const address = proxy.server.address();
    if (address === null || typeof address === 'string') throw new Error('proxy has no port');
    proxy.listeningPort = address.port;
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.listeningPort}`;
  }

  get openConnections(): number {
    return this.links.size;
  }

  /** Resolves once the next chunk from the pod has been dropped and its connection closed. */
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
    for (const link of this.links) this.drop(link);
    await new Promise<void>((done) => this.server.close(() => done()));
  }

  private accept(client: Socket): void {
    const upstream = connect(this.targetPort, '127.0.0.1');
    const link: Link = { client, upstream };
    this.links.add(link);
    const close = () => this.drop(link);
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
    client.on('data', (chunk: Buffer) => upstream.write(chunk));
    upstream.on('data', (chunk: Buffer) => {
      const cut = this.armed;
      if (cut) {
        this.armed = null;
        this.droppedBytes += chunk.length;
        this.drop(link);
        cut();
        return;
      }
      client.write(chunk);
    });
  }

  private drop(link: Link): void {
    this.links.delete(link);
    link.client.destroy();
    link.upstream.destroy();
  }
}
