import { Injectable } from '@nestjs/common';
import type { BroadcastOperator } from 'socket.io';
import type { MyRoom, ServerToClientEvents, User } from '@chat/contracts';
import { RedisClients } from '../redis/redis-clients';
import { roomChannel, userChannel } from './channels';
import type { ChatServer, ServerSocket, SocketData, UserSocketsCommand } from './socket-types';

type Operator = BroadcastOperator<ServerToClientEvents, SocketData>;

/**
 * Emits to rooms and users across every pod (through the Socket.IO adapter) on behalf of services that
 * are not the gateway, and applies membership changes to live sockets everywhere.
 */
@Injectable()
export class Broadcaster {
  private server?: ChatServer;

  constructor(private readonly redis: RedisClients) {}

  attach(server: ChatServer): void {
    this.server = server;
    server.on('chat:user-sockets', (command) => this.applyLocally(command));
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

  /**
   * Closes the user's sockets that authenticated with token `tokenId` (logout), or with `except` all the
   * others (password change), on every pod, telling them why first.
   */
  closeTokenSessions(userId: string, tokenId: string, except: boolean, message: string): void {
    this.onEveryPod({ kind: 'close', userId, tokenId, except, code: 'TOKEN_REVOKED', message });
  }

  /**
   * A profile change: the user's sockets on every pod act with the new profile from now on (messages
   * they send carry the new display name), and everyone sharing a room with the user hears `user:updated`.
   */
  userUpdated(user: User, roomIds: string[]): void {
    this.onEveryPod({ kind: 'profile', user });
    this.io.to([userChannel(user.id), ...roomIds.map(roomChannel)]).emit('user:updated', { user });
  }

  /** This pod applies it at once, the others through the adapter's pod-to-pod channel (scaled mode). */
  private onEveryPod(command: UserSocketsCommand): void {
    this.applyLocally(command);
    if (this.redis.fanout) this.io.serverSideEmit('chat:user-sockets', command);
  }

  private applyLocally(command: UserSocketsCommand): void {
    const userId = command.kind === 'close' ? command.userId : command.user.id;
    const namespace = this.io.of('/');
    for (const socketId of [...(namespace.adapter.rooms.get(userChannel(userId)) ?? [])]) {
      const socket = namespace.sockets.get(socketId);
      if (!socket) continue;
      if (command.kind === 'profile') {
        socket.data.user = command.user;
      } else if ((socket.data.tokenId === command.tokenId) !== command.except) {
        socket.emit('session:closed', { code: command.code, message: command.message });
        socket.disconnect(true);
      }
    }
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
