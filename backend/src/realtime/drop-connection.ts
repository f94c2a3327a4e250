import type { Socket } from 'socket.io';

/**
 * Ends a socket's connection at once, whatever its backlog: engine.io's own close waits for the write
 * buffer to drain and the WebSocket close handshake waits for the peer, neither of which a client that
 * stopped reading ever does. The client sees a transport close and reconnects by itself.
 */
export function dropConnection(socket: Socket): void {
  const conn = socket.conn as unknown as { close(discard?: boolean): void; transport?: { socket?: { terminate?: () => void } } };
  conn.transport?.socket?.terminate?.();
  conn.close(true);
}
