import { Logger, UseFilters, UsePipes } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { AckOk, ClientEvent, ConnectErrorData, ErrorCode, LIMITS, Message, ServerEvent, SyncResult } from '@chat/contracts';
import {
  DeleteMessageRequest,
  EditMessageRequest,
  ReadRequest,
  SendMessageRequest,
  SyncRequest,
  TypingRequest,
} from '@chat/contracts/validation';
import { AuthService } from '../auth/auth.service';
import { AppError } from '../common/app-error';
import { ContractValidationPipe } from '../common/validation.pipe';
import { MessagesService } from '../messages/messages.service';
import { DrainState } from '../health/draining';
import { MetricsService } from '../metrics/metrics.service';
import { Broadcaster } from '../realtime/broadcaster';
import { roomChannel, userChannel } from '../realtime/channels';
import { refuseNewSessionsWhile } from '../realtime/drain-gate';
import { ChatServer, ServerSocket } from '../realtime/socket-types';
import { PresenceService } from '../presence/presence.service';
import { RedisClients } from '../redis/redis-clients';
import { RoomsService } from '../rooms/rooms.service';
import { SessionAnnouncer } from '../rooms/session-announcer';
import { toUser } from '../users/user.mapper';
import { SlowConsumerWatchdog } from './slow-consumer.watchdog';
import { WsAckFilter } from './ws-ack.filter';

/** A refused handshake: the client's connect_error carries `data: { code, message }`. */
function refusal(error: AppError): Error {
  const data: ConnectErrorData = { code: error.code, message: error.message };
  return Object.assign(new Error(error.message), { data });
}

/**
 * The Socket.IO endpoint. Handshakes carry a bearer token; every request is validated against the
 * contract's DTOs and answered through its ack (errors by WsAckFilter). The timeline goes through
 * MessagesService (store, then broadcast); RedisClients tells it when fan-out recovered.
 */
@WebSocketGateway()
@UseFilters(WsAckFilter)
@UsePipes(ContractValidationPipe)
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  private readonly logger = new Logger(ChatGateway.name);

  constructor(
    private readonly auth: AuthService,
    private readonly redis: RedisClients,
    private readonly messages: MessagesService,
    private readonly rooms: RoomsService,
    private readonly sessions: SessionAnnouncer,
    private readonly presence: PresenceService,
    private readonly broadcaster: Broadcaster,
    private readonly drainState: DrainState,
    private readonly metrics: MetricsService,
    private readonly slowConsumers: SlowConsumerWatchdog,
  ) {}

  afterInit(server: ChatServer): void {
    this.broadcaster.attach(server);
    // A draining pod refuses new sessions over HTTP (503), where clients and balancers retry elsewhere.
    refuseNewSessionsWhile(server.engine, () => this.drainState.draining);
    server.use((socket, next) => {
      const token: unknown = socket.handshake.auth?.['token'];
      this.auth
        .authenticate(typeof token === 'string' ? token : undefined)
        .then((user) => {
          socket.data.user = toUser(user);
          next();
        })
        .catch((failure: unknown) => {
          next(refusal(failure instanceof AppError ? failure : new AppError(ErrorCode.UNAVAILABLE, 'Try again shortly')));
        });
    });
    // After a fan-out outage this pod may have missed events, and other pods may have missed this
    // pod's: every socket everywhere re-checks its rooms (session:ready) and syncs those that moved.
    this.redis.onRecovered(() => {
      this.logger.warn('Fan-out recovered; re-announcing room heads to every socket');
      this.broadcaster.resyncOtherPods();
      void this.sessions.announceToAll();
    });
    this.broadcaster.onResyncRequest(() => void this.sessions.announceToAll());
    this.slowConsumers.watch();
  }

  async handleConnection(socket: ServerSocket): Promise<void> {
    const user = socket.data.user;
    socket.onAnyOutgoing((event: string) => {
      if (event === 'message:new') this.metrics.messagesDelivered.inc();
    });
    // Join the user channel first: membership changes from now on reach this socket even while
    // the room list below is being read.
    await socket.join(userChannel(user.id));
    try {
      const roomIds = await this.sessions.announce(socket);
      await this.presence.userConnected(user.id, roomIds);
    } catch (error) {
      this.logger.warn(`session setup failed for a socket: ${(error as Error).message}`);
      socket.disconnect(true);
    }
  }

  async handleDisconnect(socket: ServerSocket): Promise<void> {
    const user = socket.data.user;
    if (user) await this.presence.userDisconnected(user.id);
  }

  @SubscribeMessage(ClientEvent.MessageSend)
  async send(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: SendMessageRequest): Promise<AckOk<{ message: Message }>> {
    this.metrics.messagesReceived.inc();
    const timer = this.metrics.sendAck.startTimer();
    try {
      const message = await this.messages.send(socket.data.user, request);
      timer({ outcome: 'ok' });
      return { ok: true, message };
    } catch (error) {
      timer({ outcome: 'error' });
      throw error;
    }
  }

  @SubscribeMessage(ClientEvent.MessageEdit)
  async edit(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: EditMessageRequest): Promise<AckOk<{ message: Message }>> {
    return { ok: true, message: await this.messages.edit(socket.data.user, request) };
  }

  @SubscribeMessage(ClientEvent.MessageDelete)
  async delete(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: DeleteMessageRequest): Promise<AckOk> {
    await this.messages.delete(socket.data.user, request.messageId);
    return { ok: true };
  }

  @SubscribeMessage(ClientEvent.RoomSync)
  async sync(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: SyncRequest): Promise<AckOk<SyncResult>> {
    const result = await this.messages.sync(socket.data.user, request.roomId, request.afterSeq, request.limit ?? LIMITS.syncPageDefault);
    return { ok: true, ...result };
  }

  @SubscribeMessage(ClientEvent.RoomRead)
  async read(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: ReadRequest): Promise<AckOk> {
    await this.rooms.markRead(socket.data.user.id, request.roomId, request.seq, socket.id);
    return { ok: true };
  }

  @SubscribeMessage(ClientEvent.Typing)
  typing(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: TypingRequest): AckOk {
    const channel = roomChannel(request.roomId);
    if (!socket.rooms.has(channel)) throw AppError.forbidden('You are not a member of this room');
    const { id, username, displayName } = socket.data.user;
    socket.to(channel).emit(ServerEvent.Typing, { roomId: request.roomId, user: { id, username, displayName }, typing: request.typing });
    return { ok: true };
  }
}
