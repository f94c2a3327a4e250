import { Injectable } from '@nestjs/common';
import {
  EditMessageRequest,
  HistoryPage,
  LIMITS,
  Message,
  ReactionRequest,
  SendMessageRequest,
  SyncResult,
  ThreadPage,
  bodyProblem,
  normalizeBody,
} from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import type { Sql } from '../database/sql';
import { MetricsService } from '../metrics/metrics.service';
import { Broadcaster } from '../realtime/broadcaster';
import { RoomRules, enforce } from '../rooms/room-rules';
import { toSender } from '../users/user.mapper';
import { MessageRepository, Visible } from './message.repository';
import { SendPipeline } from './send-pipeline';
import { TimelineRelay } from '../timeline/timeline-relay';

/** The page, if the room exists and the actor may read it (the page is read with the access, in one statement). */
function readable<T>(actor: Actor, visible: Visible<T>): T {
  if (!visible) throw AppError.notFound('Room');
  enforce(RoomRules.canRead(actor, visible.access));
  return visible.page;
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
    private readonly pipeline: SendPipeline,
    private readonly messages: MessageRepository,
    private readonly broadcaster: Broadcaster,
    private readonly metrics: MetricsService,
    private readonly timeline: TimelineRelay,
  ) {
    pipeline.onCommitted((message) => this.published(message));
  }

  /** A new message is stored (reported once, by the pod that wrote it): count it and tell the room. */
  private published(message: Message): void {
    this.metrics.persisted(1);
    this.broadcaster.toRoom(message.roomId).emit('message:new', { message });
  }

  /** Stores a new message (ack after commit) and broadcasts it; a resend returns the stored original. */
  async send(actor: Actor, request: SendMessageRequest): Promise<Message> {
    this.metrics.messagesReceived.inc();
    const timer = this.metrics.sendAck.startTimer();
    try {
      const body = checkBody(request.body);
      if (request.threadRootId) {
        const reply = await this.reply(actor, request, body, request.threadRootId);
        timer({ outcome: 'ok' });
        return reply;
      }
      const outcome = await this.pipeline.write({
        roomId: request.roomId,
        sender: toSender(actor),
        clientMsgId: request.clientMsgId,
        body,
      });
      if ('error' in outcome) throw outcome.error;
      timer({ outcome: 'ok' });
      return outcome.message;
    } catch (error) {
      timer({ outcome: 'error' });
      throw error;
    }
  }

  /** A thread reply (its own transaction, see MessageRepository.reply): the reply, then its root's new counts. */
  private async reply(actor: Actor, request: SendMessageRequest, body: string, threadRootId: string): Promise<Message> {
    const { message, root } = await this.messages.reply({
      roomId: request.roomId,
      sender: toSender(actor),
      clientMsgId: request.clientMsgId,
      body,
      threadRootId,
    });
    if (root) {
      this.published(message);
      this.timeline.nudge();
      this.broadcaster.toRoom(root.roomId).emit('message:updated', { message: root });
    }
    return message;
  }

  async edit(actor: Actor, request: EditMessageRequest): Promise<Message> {
    const body = checkBody(request.body);
    const updated = await this.messages.applyEvent(request.messageId, actor, { kind: 'edit', body });
    if (!updated) throw AppError.notFound('Message');
    this.timeline.nudge();
    this.broadcaster.toRoom(updated.roomId).emit('message:updated', { message: updated });
    return updated;
  }

  /** Adds (`add`) or removes my reaction; the room hears of it only when that changed something. */
  async react(actor: Actor, request: ReactionRequest, add: boolean): Promise<Message> {
    const { message, changed } = await this.messages.react(request.messageId, actor, request.emoji, add);
    if (changed) {
      this.timeline.nudge();
      this.broadcaster.toRoom(message.roomId).emit('message:updated', { message });
    }
    return message;
  }

  /**
   * Deleting a deleted message succeeds without a new event (RoomRules.canDelete says who may).
   * `alongside` runs in the delete's transaction (an admin's audit row).
   */
  async delete(actor: Actor, messageId: string, alongside?: (tx: Sql, deleted: Message | null) => Promise<void>): Promise<Message | null> {
    const deleted = await this.messages.applyEvent(messageId, actor, { kind: 'delete' }, alongside);
    if (deleted) {
      this.timeline.nudge();
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
    return readable(actor, await this.messages.history(roomId, actor.id, before, limit ?? LIMITS.historyPageDefault));
  }

  /** A thread's replies after `after`, ascending, for whoever may read the root's room. */
  async thread(actor: Actor, rootId: string, after: number | undefined, limit: number | undefined): Promise<ThreadPage> {
    const visible = await this.messages.thread(rootId, actor.id, after ?? 0, limit ?? LIMITS.historyPageDefault);
    if (!visible) throw AppError.notFound('Message');
    return readable(actor, visible);
  }

  async sync(actor: Actor, roomId: string, afterSeq: number, limit: number | undefined): Promise<SyncResult> {
    return readable(actor, await this.messages.changesSince(roomId, actor.id, afterSeq, limit ?? LIMITS.syncPageDefault));
  }
}
