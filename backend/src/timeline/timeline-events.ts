import { Injectable } from '@nestjs/common';
import type { Message, MessageSender, RoomNotice } from '@chat/contracts';
import { AppConfig } from '../config/app-config';
import { AppError } from '../common/app-error';
import type { Sql } from '../database/sql';
import { MessageRow, messageColumns, toMessage, withSender } from './message.mapper';

export type TimelineEventType = 'message:new' | 'message:updated' | 'message:deleted';

/** What a notice says in words, for clients that do not know notices (Message.notice). */
export function noticeBody(notice: RoomNotice): string {
  switch (notice.type) {
    case 'joined':
      return 'joined the room';
    case 'left':
      return 'left the room';
    case 'added':
      return `added ${notice.user.displayName}`;
    case 'removed':
      return `removed ${notice.user.displayName}`;
    case 'renamed':
      return `renamed the room to \u201c${notice.name}\u201d`;
    case 'topic':
      return notice.topic ? `set the topic: ${notice.topic}` : 'cleared the topic';
    case 'owner':
      return `made ${notice.user.displayName} the owner`;
  }
}

/**
 * The steps every timeline event takes inside the transaction that writes it, after locking the room's
 * row: the room's next seq, and in Kafka mode the event's outbox row. Used by the messages' writes
 * (edits, deletes, reactions, replies) and by room notices.
 */
@Injectable()
export class TimelineEvents {
  /** Kafka mode: every timeline event also gets its outbox row (direct mode does not pay for it). */
  private readonly outbox: boolean;

  constructor(config: AppConfig) {
    this.outbox = config.kafka !== null;
  }

  /** The room's next seq; the caller holds its row's lock, so nobody else takes it. */
  async nextSeq(tx: Sql, roomId: string): Promise<number> {
    const head = await tx.one<{ last_seq: string }>(
      `UPDATE rooms SET last_seq = last_seq + 1, last_activity_at = now() WHERE id = $1 RETURNING last_seq`,
      [roomId],
    );
    if (!head) throw AppError.notFound('Room');
    return Number(head.last_seq);
  }

  /** Kafka mode: the event's outbox row, in its transaction. */
  async record(tx: Sql, roomId: string, seq: number, type: TimelineEventType, messageId: string): Promise<void> {
    if (!this.outbox) return;
    await tx.affected(`INSERT INTO timeline_outbox (room_id, seq, payload) VALUES ($1, $2, chat_timeline_payload($3, $4))`, [
      roomId,
      seq,
      type,
      messageId,
    ]);
  }

  /** A room notice from `actor` as the room's next event; the caller holds the room row's lock. */
  async notice(tx: Sql, roomId: string, actor: MessageSender, notice: RoomNotice): Promise<Message> {
    const seq = await this.nextSeq(tx, roomId);
    const row = await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
      `INSERT INTO messages (room_id, seq, updated_seq, client_msg_id, sender_id, body, notice)
       VALUES ($1, $2, $2, 'notice:' || gen_random_uuid(), $3, $4, $5::jsonb) RETURNING ${messageColumns()}`,
      [roomId, seq, actor.id, noticeBody(notice), JSON.stringify(notice)],
    );
    if (!row) throw new Error('INSERT … RETURNING gave no row');
    await this.record(tx, roomId, seq, 'message:new', row.id);
    return toMessage(withSender(row, actor));
  }
}
