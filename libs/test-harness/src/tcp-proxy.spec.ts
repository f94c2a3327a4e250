import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from './processes';
import { TcpProxy } from './tcp-proxy';

/** A loopback server answering every chunk with `${name}:${chunk}`; `silent` answers nothing. */
async function upstream(name: string, silent = false): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => {
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      if (!silent) socket.write(`${name}:${chunk.toString('utf8')}`);
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

/** Connects through the proxy, writes `text`, resolves with the first answer or how the connection ended. */
function exchange(proxy: TcpProxy, text: string, keep?: (socket: Socket) => void): Promise<string> {
  return new Promise((done) => {
    const socket = connect(proxy.port, '127.0.0.1');
    socket.on('error', () => done('error'));
    socket.once('data', (chunk) => {
      done(chunk.toString('utf8'));
      if (keep) keep(socket);
      else socket.destroy();
    });
    socket.once('close', () => done('closed'));
    socket.once('connect', () => socket.write(text));
  });
}

describe('TcpProxy', () => {
  const servers: Server[] = [];
  const proxies: TcpProxy[] = [];

  async function start(...names: string[]): Promise<number[]> {
    const started = await Promise.all(names.map((name) => upstream(name)));
    servers.push(...started.map((s) => s.server));
    return started.map((s) => s.port);
  }

  async function proxyTo(ports: number | number[]): Promise<TcpProxy> {
    const proxy = await TcpProxy.start(ports);
    proxies.push(proxy);
    return proxy;
  }

  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((proxy) => proxy.close()));
    await Promise.all(servers.splice(0).map((server) => new Promise((done) => server.close(done))));
  });

  it('relays both ways to its first upstream', async () => {
    const [a, b] = await start('A', 'B');
    const proxy = await proxyTo([a ?? 0, b ?? 0]);
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    await expect(exchange(proxy, 'hello')).resolves.toBe('A:hello');
  });

  it('fails over to the next upstream when the preferred one refuses', async () => {
    const [b] = await start('B');
    const refusing = await freePort();
    const proxy = await proxyTo([refusing, b ?? 0]);
    await expect(exchange(proxy, 'hello')).resolves.toBe('B:hello');
  });

  it('closes the client when every upstream refuses', async () => {
    const proxy = await proxyTo([await freePort()]);
    await expect(exchange(proxy, 'hello')).resolves.toBe('closed');
  });

  it('refuses new connections while paused and accepts them again after resume()', async () => {
    const [a] = await start('A');
    const proxy = await proxyTo(a ?? 0);
    proxy.pause();
    await expect(exchange(proxy, 'hello')).resolves.toMatch(/^(closed|error)$/);
    proxy.resume();
    await expect(exchange(proxy, 'hello')).resolves.toBe('A:hello');
  });

  it('refuses only Socket.IO requests while realtime is blocked', async () => {
    const [a] = await start('A');
    const proxy = await proxyTo(a ?? 0);
    proxy.blockRealtime(true);
    await expect(exchange(proxy, 'GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\n')).resolves.toMatch(/^(closed|error)$/);
    await expect(exchange(proxy, 'GET /index.html HTTP/1.1\r\n')).resolves.toBe('A:GET /index.html HTTP/1.1\r\n');
    proxy.blockRealtime(false);
    await expect(exchange(proxy, 'GET /socket.io/ HTTP/1.1\r\n')).resolves.toBe('A:GET /socket.io/ HTTP/1.1\r\n');
  });

  it('drops the next bytes from the upstream and closes the connection on a cut', async () => {
    const [a] = await start('A');
    const proxy = await proxyTo(a ?? 0);
    let kept: Socket | undefined;
    await expect(exchange(proxy, 'first', (socket) => (kept = socket))).resolves.toBe('A:first');
    expect(proxy.openConnections).toBe(1);
    const closed = new Promise<string>((done) => {
      kept?.once('data', (chunk) => done(`data ${chunk.toString('utf8')}`));
      kept?.once('close', () => done('closed'));
    });
    const cut = proxy.cutOnNextServerData(5_000);
    kept?.write('second');
    await expect(cut).resolves.toBeUndefined();
    await expect(closed).resolves.toBe('closed');
    expect(proxy.droppedBytes).toBe('A:second'.length);
    expect(proxy.openConnections).toBe(0);
  });

  it('fails a cut when the upstream sends nothing in time', async () => {
    const silent = await upstream('S', true);
    servers.push(silent.server);
    const proxy = await proxyTo(silent.port);
    await expect(proxy.cutOnNextServerData(200)).rejects.toThrow('the pod sent nothing within 200 ms');
  });
});
