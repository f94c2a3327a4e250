import { UseFilters } from '@nestjs/common';
import {
  ConnectedSocket,
  MessageBody,
  OnGatewayConnection,
  OnGatewayDisconnect,
  OnGatewayInit,
  SubscribeMessage,
  WebSocketGateway,
} from '@nestjs/websockets';
import { AckOk, ClientEvent, LIMITS, Message, SyncResult } from '@chat/contracts';
import {
  DeleteMessageRequest,
  EditMessageRequest,
  ReactionRequest,
  ReadRequest,
  SendMessageRequest,
  SyncRequest,
  TypingRequest,
} from '@chat/contracts/validation';
import { RateLimits } from '../limits/rate-limits';
import { MessagesService } from '../messages/messages.service';
import { TypingRelay } from '../presence/typing-relay';
import type { ChatServer, ServerSocket } from '../realtime/socket-types';
import { RoomsService } from '../rooms/rooms.service';
import { SocketSessions } from './socket-sessions';
import { WsAckFilter } from './ws-ack.filter';

/**
 * The Socket.IO endpoint: translates socket events into service calls. Every request is validated
 * against the contract's DTOs (by the global ContractValidationPipe, which Nest applies to gateways too:
 * a @UsePipes here as well validated every payload twice) and answered through its ack (errors by
 * WsAckFilter); sessions (handshake, session:ready, presence) are SocketSessions'.
 */
@WebSocketGateway()
@UseFilters(WsAckFilter)
export class ChatGateway implements OnGatewayInit, OnGatewayConnection, OnGatewayDisconnect {
  constructor(
    private readonly sessions: SocketSessions,
    private readonly messages: MessagesService,
    private readonly rooms: RoomsService,
    private readonly typingRelay: TypingRelay,
    private readonly limits: RateLimits,
  ) {}

  afterInit(server: ChatServer): void {
    this.sessions.attach(server);
  }

  handleConnection(socket: ServerSocket): Promise<void> {
    return this.sessions.opened(socket);
  }

  handleDisconnect(socket: ServerSocket): Promise<void> {
    return this.sessions.closed(socket);
  }

  @SubscribeMessage(ClientEvent.MessageSend)
  async send(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: SendMessageRequest): Promise<AckOk<{ message: Message }>> {
    await this.limits.messageSend.consume(socket.data.user.id);
    return { ok: true, message: await this.messages.send(socket.data.user, request) };
  }

  @SubscribeMessage(ClientEvent.MessageEdit)
  async edit(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: EditMessageRequest): Promise<AckOk<{ message: Message }>> {
    await this.limits.messageChange.consume(socket.data.user.id);
    return { ok: true, message: await this.messages.edit(socket.data.user, request) };
  }

  @SubscribeMessage(ClientEvent.MessageDelete)
  async delete(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: DeleteMessageRequest): Promise<AckOk> {
    await this.limits.messageChange.consume(socket.data.user.id);
    await this.messages.delete(socket.data.user, request.messageId);
    return { ok: true };
  }

  @SubscribeMessage(ClientEvent.ReactionAdd)
  async addReaction(
    @ConnectedSocket() socket: ServerSocket,
    @MessageBody() request: ReactionRequest,
  ): Promise<AckOk<{ message: Message }>> {
    await this.limits.messageChange.consume(socket.data.user.id);
    return { ok: true, message: await this.messages.react(socket.data.user, request, true) };
  }

  @SubscribeMessage(ClientEvent.ReactionRemove)
  async removeReaction(
    @ConnectedSocket() socket: ServerSocket,
    @MessageBody() request: ReactionRequest,
  ): Promise<AckOk<{ message: Message }>> {
    await this.limits.messageChange.consume(socket.data.user.id);
    return { ok: true, message: await this.messages.react(socket.data.user, request, false) };
  }

  @SubscribeMessage(ClientEvent.RoomSync)
  async sync(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: SyncRequest): Promise<AckOk<SyncResult>> {
    const result = await this.messages.sync(socket.data.user, request.roomId, request.afterSeq, request.limit ?? LIMITS.syncPageDefault);
    return { ok: true, ...result };
  }

  @SubscribeMessage(ClientEvent.RoomRead)
  async read(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: ReadRequest): Promise<AckOk> {
    await this.rooms.markRead(socket.data.user, request.roomId, request.seq, socket.id);
    return { ok: true };
  }

  @SubscribeMessage(ClientEvent.Typing)
  typing(@ConnectedSocket() socket: ServerSocket, @MessageBody() request: TypingRequest): AckOk {
    this.typingRelay.relay(socket, request.roomId, request.typing);
    return { ok: true };
  }
}
