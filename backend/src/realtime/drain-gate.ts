import { ServerResponse, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Server } from 'socket.io';
import { ErrorCode } from '@chat/contracts';

type Engine = Server['engine'];

/** What an Engine.IO request is to this pod: the start of a new session, or part of a session that lives here or not. */
export type EngineRequestKind = 'handshake' | 'live-session' | 'unknown-session';

/** Engine.IO names the session in the `sid` query parameter; a request without one (polling or WebSocket) opens a new session. */
export function classifyEngineRequest(url: string, isLive: (sid: string) => boolean): EngineRequestKind {
  const sid = new URL(url, 'http://pod').searchParams.get('sid');
  if (!sid) return 'handshake';
  return isLive(sid) ? 'live-session' : 'unknown-session';
}

const BODY = JSON.stringify({ error: { code: ErrorCode.UNAVAILABLE, message: 'This server is shutting down; connect to another one' } });

/**
 * While `draining()`, this pod takes no new Engine.IO sessions: a handshake, or a request of a session that does not live
 * here, is answered HTTP 503 before Engine.IO sees it. socket.io-client treats that as a transient failure and retries with
 * backoff, and a balancer can retry it on another pod (nginx `proxy_next_upstream http_503`); a refusal by Socket.IO's
 * middleware would be final for socket.io-client instead. Requests of sessions that live here go on until the drain closes them.
 */
export function refuseNewSessionsWhile(engine: Engine, draining: () => boolean): void {
  // Engine.IO's own table of open sessions by sid (protected in its typings): no set and listener per socket here.
  const isLive = (sid: string) => Object.hasOwn((engine as unknown as { clients: Record<string, unknown> }).clients, sid);
  engine.use((req: IncomingMessage, res: ServerResponse | object, next: () => void) => {
    if (!draining() || classifyEngineRequest(req.url ?? '/', isLive) === 'live-session') {
      next();
      return;
    }
    // Upgrades come with a stand-in response object and no way to answer through it: write to the connection.
    if (res instanceof ServerResponse) refuseRequest(res);
    else refuseUpgrade(req.socket);
  });
}

function refuseRequest(res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(BODY), Connection: 'close' });
  res.end(BODY);
}

function refuseUpgrade(socket: Duplex): void {
  socket.on('error', () => undefined);
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    'HTTP/1.1 503 Service Unavailable\r\n' +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `Content-Length: ${Buffer.byteLength(BODY)}\r\n` +
      '\r\n' +
      BODY,
    () => socket.destroy(),
  );
}
