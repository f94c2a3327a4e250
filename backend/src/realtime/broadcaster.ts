import { Injectable, Logger } from '@nestjs/common';
import type { BroadcastOperator } from 'socket.io';
import type { MyRoom, ServerToClientEvents, User } from '@chat/contracts';
import { RedisClients } from '../redis/redis-clients';
import { roomChannel, userChannel } from './channels';
import type { ChatServer, MembershipCommand, ServerSocket, SocketData, UserSocketsCommand } from './socket-types';

type Operator = BroadcastOperator<ServerToClientEvents, SocketData>;

/** How long a membership change waits for the other pods to apply it before the request answers anyway. */
const MEMBERSHIP_WAIT_MS = 2_000;

/**
 * Emits to rooms and users across every pod (through the Socket.IO adapter) on behalf of services that
 * are not the gateway, and applies membership changes to live sockets everywhere.
 */
@Injectable()
export class Broadcaster {
  private readonly logger = new Logger(Broadcaster.name);
  private server?: ChatServer;

  constructor(private readonly redis: RedisClients) {}

  attach(server: ChatServer): void {
    this.server = server;
    server.on('chat:user-sockets', (command) => this.applyLocally(command));
    server.on('chat:membership', (command, done) => {
      this.applyMembership(command).then(
        () => done(true),
        (error: Error) => this.logger.warn(`membership change of room ${command.roomId} not applied: ${error.message}`),
      );
    });
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

  /**
   * The user's sockets on every pod start receiving the room's events, then learn of the room. Resolves
   * once every pod has them in the room, so a message sent after the caller answers reaches them.
   */
  async memberAdded(userId: string, room: MyRoom): Promise<void> {
    await this.membershipOnEveryPod({ userId, roomId: room.id, joined: true });
    this.toUser(userId).emit('room:joined', { room });
    if (room.kind === 'channel') {
      this.toRoom(room.id).emit('room:members', { roomId: room.id, userId, joined: true, memberCount: room.memberCount });
    }
  }

  /** The user's sockets on every pod stop receiving the room's events (resolves once they have); the room hears the new count. */
  async memberRemoved(userId: string, roomId: string, memberCount: number): Promise<void> {
    await this.membershipOnEveryPod({ userId, roomId, joined: false });
    this.toUser(userId).emit('room:left', { roomId });
    this.toRoom(roomId).emit('room:members', { roomId, userId, joined: false, memberCount });
  }

  /**
   * Applies the change here and, in scaled mode, asks every other pod and waits for their answers. A pod
   * that does not answer within MEMBERSHIP_WAIT_MS (dead, or Redis down) only delays the request: the
   * membership is already stored, and the sockets pick it up when they reconnect.
   */
  private async membershipOnEveryPod(command: MembershipCommand): Promise<void> {
    const everywhere = this.redis.fanout
      ? Promise.all([this.applyMembership(command), this.io.serverSideEmitWithAck('chat:membership', command)])
      : this.applyMembership(command);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), MEMBERSHIP_WAIT_MS)));
    try {
      if ((await Promise.race([everywhere, late])) === 'late') {
        this.logger.warn(`membership change of room ${command.roomId} not confirmed by every pod within ${MEMBERSHIP_WAIT_MS} ms`);
      }
    } catch (error) {
      this.logger.warn(`membership change of room ${command.roomId} not confirmed by every pod: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * This pod's sockets of the user join or leave the room. A join's first socket makes the Redis adapter
   * subscribe to the room's channel; Redis answers one connection's commands in order, so once a PING on
   * the subscriber connection returns, that subscription is in effect.
   */
  private async applyMembership({ userId, roomId, joined }: MembershipCommand): Promise<void> {
    const sockets = this.io.local.in(userChannel(userId));
    if (!joined) return sockets.socketsLeave(roomChannel(roomId));
    sockets.socketsJoin(roomChannel(roomId));
    await this.subscriptionsApplied();
  }

  /**
   * Resolves once Redis has applied the channel subscriptions this pod sent so far (a join of a room
   * new to the pod sends an SSUBSCRIBE and does not wait for it): a PING on the subscriber connection
   * is answered after them. Events published from then on reach the joined sockets. Immediate in
   * embedded mode.
   */
  async subscriptionsApplied(): Promise<void> {
    await this.redis.fanout?.sub.ping();
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
