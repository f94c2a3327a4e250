import type { Server, Socket } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents, User } from '@chat/contracts';

/** What the server keeps on each socket after the handshake. */
export interface SocketData {
  /** The socket's authenticated user: an auth/ Actor (the contract's User), set by the handshake. */
  user: Readonly<User>;
  /** The `jti` of the token the socket authenticated with: a logout closes the sockets of that token. */
  tokenId: string;
  /** When that token expires (ms since the epoch): the pod's expiry sweep closes the socket then. */
  expiresAtMs: number;
}

/** Applied by every pod to its own sockets of one user. */
export type UserSocketsCommand =
  | { kind: 'close'; userId: string; tokenId: string; except: boolean; code: 'TOKEN_REVOKED'; message: string }
  | { kind: 'profile'; user: User };

/** A membership change applied by every pod to its own sockets of one user. */
export interface MembershipCommand {
  userId: string;
  roomId: string;
  joined: boolean;
}

/** Pod-to-pod events (Socket.IO serverSideEmit through the adapter). */
export interface InterPodEvents {
  /** The user's sockets on this pod join or leave the room; `done` once the room's events reach them. */
  'chat:membership': (command: MembershipCommand, done: (applied: true) => void) => void;
  /** Fan-out may have dropped events: every pod re-announces room heads to its sockets. */
  'chat:resync': () => void;
  /** Close some of a user's sockets (logout) or refresh the profile they carry (display name change). */
  'chat:user-sockets': (command: UserSocketsCommand) => void;
}

/** This pod's Socket.IO server, typed with the contract's event maps. */
export type ChatServer = Server<ClientToServerEvents, ServerToClientEvents, InterPodEvents, SocketData>;
/** The server's end of one client connection. */
export type ServerSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterPodEvents, SocketData>;
