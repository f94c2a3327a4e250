import type { Socket as NetSocket } from 'node:net';
import { transports } from 'engine.io';

const WebSocketTransport = transports.websocket;
type WebSocketTransport = InstanceType<typeof WebSocketTransport>;
type Packets = Parameters<WebSocketTransport['send']>[0];

/** The TCP socket under Engine.IO's WebSocket transport (a `ws` WebSocket, private in Engine.IO's types). */
function tcpOf(transport: WebSocketTransport): NetSocket | undefined {
  return (transport as unknown as { socket?: { _socket?: NetSocket } }).socket?._socket;
}

let installed = false;

/**
 * One write system call per flush of a socket, instead of one per packet. Engine.IO buffers a socket's
 * packets while its previous write is pending and then sends them together, but `ws` writes each of them
 * as its own frame with its own `writev`; in a busy room a socket's flush often holds several messages.
 * Corking the TCP socket for the length of the flush hands the kernel all of them at once (same frames,
 * same order, same callbacks), which is most of what a delivery costs beyond encoding.
 */
export function corkEachFlush(): void {
  if (installed) return;
  installed = true;
  const send = WebSocketTransport.prototype.send;
  WebSocketTransport.prototype.send = function (this: WebSocketTransport, packets: Packets): void {
    const tcp = packets.length > 1 ? tcpOf(this) : undefined;
    if (!tcp) return send.call(this, packets);
    tcp.cork();
    try {
      send.call(this, packets);
    } finally {
      tcp.uncork();
    }
  };
}
