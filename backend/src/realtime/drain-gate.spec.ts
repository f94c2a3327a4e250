import { createServer, request, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { classifyEngineRequest, refuseNewSessionsWhile } from './drain-gate';

describe('classifyEngineRequest', () => {
  const live = (sid: string) => sid === 'here';

  it('tells handshakes (no sid, any transport) from requests of sessions that live here or elsewhere', () => {
    expect(classifyEngineRequest('/socket.io/?EIO=4&transport=polling&t=abc', live)).toBe('handshake');
    expect(classifyEngineRequest('/socket.io/?EIO=4&transport=websocket', live)).toBe('handshake');
    expect(classifyEngineRequest('/socket.io/?EIO=4&transport=websocket&sid=', live)).toBe('handshake');
    expect(classifyEngineRequest('/socket.io/?EIO=4&transport=polling&sid=here', live)).toBe('live-session');
    expect(classifyEngineRequest('/socket.io/?EIO=4&transport=websocket&sid=here', live)).toBe('live-session');
    expect(classifyEngineRequest('/socket.io/?EIO=4&transport=polling&sid=elsewhere', live)).toBe('unknown-session');
  });
});

/** An Engine.IO request straight on the wire: the status line and headers it got (101 for an accepted upgrade). */
function send(port: number, path: string, upgrade = false): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = upgrade
      ? { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==' }
      : {};
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false });
    req.on('upgrade', (res, socket) => {
      socket.destroy();
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: '' });
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('refuseNewSessionsWhile', () => {
  let http: HttpServer;
  let io: Server;
  let port: number;
  let draining = false;

  beforeAll(async () => {
    http = createServer();
    io = new Server(http, { pingInterval: 60_000, pingTimeout: 60_000 });
    refuseNewSessionsWhile(io.engine, () => draining);
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    port = (http.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await io.close();
  });

  afterEach(() => {
    draining = false;
  });

  /** Opens a polling session and returns its sid. */
  async function pollingSession(): Promise<string> {
    const handshake = await send(port, '/socket.io/?EIO=4&transport=polling');
    expect(handshake.status).toBe(200);
    return (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
  }

  /** Sends Engine.IO packets of a polling session (POST); resolves with the status. */
  function post(sid: string, packets: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/socket.io/?EIO=4&transport=polling&sid=${sid}`,
        agent: false,
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(packets);
    });
  }

  it('lets everything through while the pod is not draining', async () => {
    await expect(send(port, '/socket.io/?EIO=4&transport=websocket', true)).resolves.toMatchObject({ status: 101 });
    await pollingSession();
  });

  it('answers 503 with Connection: close to handshakes and to sessions that do not live here', async () => {
    draining = true;
    const polling = await send(port, '/socket.io/?EIO=4&transport=polling');
    expect(polling).toMatchObject({ status: 503, headers: { connection: 'close' } });
    expect(JSON.parse(polling.body)).toEqual({ error: { code: 'UNAVAILABLE', message: expect.any(String) } });
    await expect(send(port, '/socket.io/?EIO=4&transport=polling&sid=elsewhere')).resolves.toMatchObject({ status: 503 });
    await expect(send(port, '/socket.io/?EIO=4&transport=websocket', true)).resolves.toMatchObject({
      status: 503,
      headers: { connection: 'close' },
    });
    await expect(send(port, '/socket.io/?EIO=4&transport=websocket&sid=elsewhere', true)).resolves.toMatchObject({ status: 503 });
  });

  it('keeps serving sessions that live here, polling and their upgrade', async () => {
    const sid = await pollingSession();
    draining = true;
    // Socket.IO's connect packet, then a poll that returns its answer.
    await expect(post(sid, '40')).resolves.toBe(200);
    const poll = await send(port, `/socket.io/?EIO=4&transport=polling&sid=${sid}`);
    expect(poll.status).toBe(200);
    expect(poll.body).toMatch(/^40/);
    await expect(send(port, `/socket.io/?EIO=4&transport=websocket&sid=${sid}`, true)).resolves.toMatchObject({ status: 101 });
  });

  it('forgets sessions once they close', async () => {
    const sid = await pollingSession();
    await expect(post(sid, '1')).resolves.toBe(200); // Engine.IO close packet
    draining = true;
    await expect(send(port, `/socket.io/?EIO=4&transport=polling&sid=${sid}`)).resolves.toMatchObject({ status: 503 });
  });
});
