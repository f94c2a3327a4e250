import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, User } from '@chat/contracts';

/** What the server keeps on each socket after the handshake. */
export interface SocketData {
  /** The socket's authenticated user: an auth/ Actor (the contract's User), set by the handshake. */
  user: Readonly<User>;
}

/** Pod-to-pod events (Socket.IO serverSideEmit through the adapter). */
export interface InterPodEvents {
  /** Fan-out may have dropped events: every pod re-announces room heads to its sockets. */
  'chat:resync': () => void;
}

/** This pod's Socket.IO server, typed with the contract's event maps. */
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterPodEvents, SocketData>;
/** The server's end of one client connection. */
export type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterPodEvents, SocketData>;
