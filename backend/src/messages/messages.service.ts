import { Injectable } from '@nestjs/common';
import {
  EditMessageRequest,
  HistoryPage,
  LIMITS,
  Message,
  SendMessageRequest,
  SyncResult,
  bodyProblem,
  normalizeBody,
} from '@chat/contracts';
import { AppError } from '../common/app-error';
import { MetricsService } from '../metrics/metrics.service';
import { Broadcaster } from '../realtime/broadcaster';
import { RoomRepository } from '../rooms/room.repository';
import { toSender } from '../users/user.mapper';
import { MessageRepository } from './message.repository';
import { MessageWriter } from './message-writer';

/** Who is acting: enough to authorise without another lookup. */
export interface Actor {
  id: string;
  username: string;
  displayName: string;
  role: 'user' | 'admin';
}

function checkBody(body: unknown): string {
  const problem = bodyProblem(body);
  if (problem) throw AppError.validation([{ field: 'body', message: problem }]);
  return normalizeBody(body as string);
}

/** The timeline's write and read rules. Every change is stored first, then broadcast to the room. */
@Injectable()
export class MessagesService {
  constructor(
    private readonly writer: MessageWriter,
    private readonly messages: MessageRepository,
    private readonly rooms: RoomRepository,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: MetricsService,
  ) {
    writer.onLateCommit((message) => this.published(message));
  }

  /** A new message is stored: count it and tell the room. */
  private published(message: Message): void {
    this.metrics.persisted(1);
    this.broadcaster.toRoom(message.roomId).emit('message:new', { message });
  }

  async send(actor: Actor, request: SendMessageRequest): Promise<Message> {
    const body = checkBody(request.body);
    const outcome = await this.writer.write({ roomId: request.roomId, sender: toSender(actor), clientMsgId: request.clientMsgId, body });
    if ('error' in outcome) throw outcome.error;
    // A resend returns the original without a second broadcast.
    if (outcome.created) this.published(outcome.message);
    return outcome.message;
  }

  async edit(actor: Actor, request: EditMessageRequest): Promise<Message> {
    const body = checkBody(request.body);
    const updated = await this.messages.applyEvent(request.messageId, actor.id, { kind: 'edit', body }, (context) => {
      if (context.current.sender.id !== actor.id) throw AppError.forbidden('Only the sender can edit a message');
      if (!context.actorMembership) throw AppError.forbidden('You are not a member of this room');
      if (context.roomArchived) throw AppError.forbidden('This room is archived');
    });
    if (!updated) throw AppError.notFound('Message');
    this.broadcaster.toRoom(updated.roomId).emit('message:updated', { message: updated });
    return updated;
  }

  /** Sender, room owner or admin. Deleting a deleted message succeeds without a new event. */
  async delete(actor: Actor, messageId: string): Promise<Message | null> {
    const deleted = await this.messages.applyEvent(messageId, actor.id, { kind: 'delete' }, (context) => {
      if (actor.role === 'admin') return;
      if (!context.actorMembership) throw AppError.forbidden('You are not a member of this room');
      if (context.current.sender.id !== actor.id && context.actorMembership !== 'owner') {
        throw AppError.forbidden('Only the sender, the room owner or an admin can delete a message');
      }
      if (context.roomArchived) throw AppError.forbidden('This room is archived');
    });
    if (deleted) {
      this.broadcaster.toRoom(deleted.roomId).emit('message:deleted', {
        roomId: deleted.roomId,
        messageId: deleted.id,
        seq: deleted.updatedSeq,
        deletedAt: deleted.deletedAt ?? undefined,
      });
    }
    return deleted;
  }

  async history(actor: Actor, roomId: string, before: number | undefined, limit: number | undefined): Promise<HistoryPage> {
    await this.assertCanRead(actor, roomId);
    return this.messages.history(roomId, before, limit ?? LIMITS.historyPageDefault);
  }

  async sync(actor: Actor, roomId: string, afterSeq: number, limit: number | undefined): Promise<SyncResult> {
    await this.assertCanRead(actor, roomId);
    return this.messages.changesSince(roomId, afterSeq, limit ?? LIMITS.syncPageDefault);
  }

  private async assertCanRead(actor: Actor, roomId: string): Promise<void> {
    if (await this.rooms.membership(roomId, actor.id)) return;
    const room = await this.rooms.findRoom(roomId);
    if (!room) throw AppError.notFound('Room');
    if (actor.role !== 'admin') throw AppError.forbidden('You are not a member of this room');
  }
}
