import { Injectable } from '@nestjs/common';
import type { BroadcastOperator } from 'socket.io';
import type { MyRoom, ServerToClientEvents } from '@chat/contracts';
import { roomChannel, userChannel } from './channels';
import type { ChatServer, ServerSocket, SocketData } from './socket-types';

type Operator = BroadcastOperator<ServerToClientEvents, SocketData>;

/**
 * Emits to rooms and users across every pod (through the Socket.IO adapter) on behalf of services that
 * are not the gateway, and applies membership changes to live sockets everywhere.
 */
@Injectable()
export class Broadcaster {
  private server?: ChatServer;

  attach(server: ChatServer): void {
    this.server = server;
  }

  private get io(): ChatServer {
    if (!this.server) throw new Error('Socket.IO server is not attached yet');
    return this.server;
  }

  toRoom(roomId: string): Operator {
    return this.io.to(roomChannel(roomId));
  }

  toRooms(roomIds: string[]): Operator {
    return this.io.to(roomIds.map(roomChannel));
  }

  toUser(userId: string): Operator {
    return this.io.to(userChannel(userId));
  }

  /** The user's sockets on every pod start receiving the room's events, then learn of the room. */
  memberAdded(userId: string, room: MyRoom): void {
    this.io.in(userChannel(userId)).socketsJoin(roomChannel(room.id));
    this.toUser(userId).emit('room:joined', { room });
  }

  /** The user's sockets on every pod stop receiving the room's events at once. */
  memberRemoved(userId: string, roomId: string): void {
    this.io.in(userChannel(userId)).socketsLeave(roomChannel(roomId));
    this.toUser(userId).emit('room:left', { roomId });
  }

  /** Closes every socket of the user on every pod, telling them why first (ban, revoked token). */
  closeUserSessions(userId: string, code: 'BANNED' | 'TOKEN_REVOKED', message: string): void {
    this.toUser(userId).emit('session:closed', { code, message });
    this.io.in(userChannel(userId)).disconnectSockets(true);
  }

  /** Asks every other pod to re-announce room heads to its sockets. */
  resyncOtherPods(): void {
    this.io.serverSideEmit('chat:resync');
  }

  onResyncRequest(listener: () => void): void {
    this.io.on('chat:resync', listener);
  }

  /** This pod's sockets. */
  localSockets(): ServerSocket[] {
    return this.server ? [...this.server.of('/').sockets.values()] : [];
  }

  /** Sockets connected to this pod (not the whole fleet). */
  get localConnections(): number {
    return this.server?.engine.clientsCount ?? 0;
  }
}
