import { ServerResponse, type IncomingMessage } from 'node:http';
import type { EventEmitter } from 'node:events';
import type { Server } from 'socket.io';
import { compactListeners } from './compact-listeners';

/** Engine.IO's stand-in response for a WebSocket upgrade: it keeps the request for its connection's life. */
type UpgradeResponse = EventEmitter & { req: IncomingMessage | null };

/**
 * Lets go of the HTTP request that opened each session once nothing needs it: ~2 KB per idle socket
 * (the request object, its raw headers and stream state). Engine.IO keeps it as the session's `request`
 * (Socket.IO's memory-usage guide drops that reference), and for a WebSocket its stand-in upgrade
 * response keeps it too, through a listener on the TCP socket. The response needs it only until the
 * upgrade's headers are written; the session only until Socket.IO has built the socket's `handshake`
 * (headers, query, auth), which stays available. Nothing here reads `socket.request`.
 */
export function releaseOpeningRequests(server: Server): void {
  const upgrades = new WeakMap<IncomingMessage, UpgradeResponse>();
  server.engine.use((req: IncomingMessage, res: ServerResponse | object, next: () => void) => {
    if (!(res instanceof ServerResponse)) upgrades.set(req, res as UpgradeResponse);
    next();
  });
  server.engine.on('headers', (_headers: unknown, req: IncomingMessage) => {
    const upgrade = upgrades.get(req);
    if (!upgrade) return;
    upgrades.delete(req);
    upgrade.req = null;
    // It stays too (a listener on the TCP socket re-emits `close` on it), with an empty listener table.
    compactListeners(upgrade);
  });
  server.on('connection', (socket) => {
    (socket.conn as unknown as { request: IncomingMessage | null }).request = null;
  });
}
