import type { EventEmitter } from 'node:events';
import type { Server, Socket } from 'socket.io';

/** An EventEmitter's listener table (Node keeps it as `_events`). */
type ListenerTable = Record<string | symbol, unknown>;

/**
 * Rebuilds an EventEmitter's listener table as a fast object, with the same listeners and its null
 * prototype. Node creates the table as `{ __proto__: null }`, which V8 keeps as a hash table (dictionary
 * mode): 160 bytes with up to 3 events, 448 with up to 10. As a fast object it is one small property array
 * whose shape every connection shares. Tables with a prototype (the literals Node's streams start with)
 * are fast already and left alone. Adding or removing listeners afterwards works as before.
 */
export function compactListeners(emitter: EventEmitter | undefined): void {
  const holder = emitter as unknown as { _events?: ListenerTable } | undefined;
  const table = holder?._events;
  if (!holder || !table || typeof table !== 'object' || Object.getPrototypeOf(table) !== null) return;
  // An event named `__proto__` cannot be copied by assignment: such a table stays as it is.
  if (Object.hasOwn(table, '__proto__')) return;
  const fast: ListenerTable = {};
  for (const key of Reflect.ownKeys(table)) fast[key] = table[key];
  holder._events = Object.setPrototypeOf(fast, null) as ListenerTable;
}

/** The emitters under one Socket.IO socket that live as long as it: its own, its session's, its transport's and the WebSocket's. */
function emittersOf(socket: Socket): (EventEmitter | undefined)[] {
  const transport = socket.conn.transport as unknown as EventEmitter & { socket?: EventEmitter };
  return [socket, socket.conn, transport, transport.socket];
}

/**
 * Compacts the listener tables of every new connection once all of its listeners are bound: 4 tables of
 * up to 1.2 KB together per idle socket (see compactListeners). Nest binds the gateways' handlers in a
 * `connection` listener after this one, so the compaction waits for the end of that emit; a session that
 * upgrades from long-polling to a WebSocket is compacted again after the upgrade.
 */
export function compactConnectionListeners(server: Server): void {
  server.on('connection', (socket) => {
    const compact = () => {
      if (socket.connected) for (const emitter of emittersOf(socket)) compactListeners(emitter);
    };
    queueMicrotask(compact);
    // A session that starts on HTTP long-polling gets a new transport and WebSocket when it upgrades.
    if (socket.conn.transport.name === 'polling') socket.conn.once('upgrade', () => queueMicrotask(compact));
  });
}
