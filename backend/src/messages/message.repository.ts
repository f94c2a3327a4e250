import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ErrorCode, MemberRole, Message, MessageSender } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { MessageRow, toMessage, withSender } from './message.mapper';

/** One send waiting in a group commit. */
export interface PendingSend {
  roomId: string;
  sender: MessageSender;
  clientMsgId: string;
  /** Already trimmed and validated. */
  body: string;
}

/** Outcome of one send: the stored message (new or the original of a resend) or why it was refused. */
export type SendOutcome = { message: Message; created: boolean } | { error: AppError };

/** What an edit or delete is judged on, read under the room's lock in the event's own transaction. */
export interface EventContext {
  current: Message;
  roomArchived: boolean;
  /** The actor's role in the room, or null when not a member. */
  actorMembership: MemberRole | null;
}

export interface TimelinePage {
  messages: Message[];
  hasMore: boolean;
}

const MESSAGE_SELECT = `
  SELECT m.id, m.room_id, m.seq, m.updated_seq, m.client_msg_id, m.sender_id, m.body,
         m.created_at, m.edited_at, m.deleted_at, u.username, u.display_name
  FROM messages m JOIN users u ON u.id = m.sender_id`;

const RETURNING = `RETURNING id, room_id, seq, updated_seq, client_msg_id, sender_id, body, created_at, edited_at, deleted_at`;

const sendKey = (roomId: string, senderId: string, clientMsgId: string) => `${roomId}|${senderId}|${clientMsgId}`;

/**
 * The timeline store. Every event (create, edit, delete) takes the room's next seq under the room row's
 * lock, in the same transaction that writes it, so seqs are gapless and identical for every reader.
 */
@Injectable()
export class MessageRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  /**
   * Group commit: writes many sends in one transaction and a handful of statements. Rooms are locked in
   * id order (no deadlocks between concurrent batches); resends are found under the lock, so a
   * clientMsgId is stored once even when retried through another pod.
   */
  writeBatch(sends: PendingSend[]): Promise<SendOutcome[]> {
    return this.db.transaction((manager) => this.writeBatchIn(manager, sends));
  }

  private async writeBatchIn(manager: EntityManager, sends: PendingSend[]): Promise<SendOutcome[]> {
    const roomIds = [...new Set(sends.map((s) => s.roomId))].sort();
    const rooms = (await manager.query(`SELECT id, last_seq, archived_at FROM rooms WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [
      roomIds,
    ])) as { id: string; last_seq: string; archived_at: Date | null }[];
    const roomState = new Map(rooms.map((r) => [r.id, { lastSeq: Number(r.last_seq), archived: r.archived_at !== null }]));

    const members = (await manager.query(
      `SELECT room_id, user_id FROM room_members
       WHERE (room_id, user_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [sends.map((s) => s.roomId), sends.map((s) => s.sender.id)],
    )) as { room_id: string; user_id: string }[];
    const isMember = new Set(members.map((m) => `${m.room_id}|${m.user_id}`));

    const existing = (await manager.query(
      `${MESSAGE_SELECT}
       WHERE (m.room_id, m.sender_id, m.client_msg_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]))`,
      [sends.map((s) => s.roomId), sends.map((s) => s.sender.id), sends.map((s) => s.clientMsgId)],
    )) as MessageRow[];
    const stored = new Map(existing.map((row) => [sendKey(row.room_id, row.sender_id, row.client_msg_id), toMessage(row)]));

    const outcomes: (SendOutcome | { pendingIndex: number } | { sameAs: string })[] = [];
    const toInsert: (PendingSend & { seq: number })[] = [];
    const claimed = new Set<string>();
    for (const send of sends) {
      const key = sendKey(send.roomId, send.sender.id, send.clientMsgId);
      const room = roomState.get(send.roomId);
      if (!room) outcomes.push({ error: AppError.notFound('Room') });
      else if (!isMember.has(`${send.roomId}|${send.sender.id}`))
        outcomes.push({ error: AppError.forbidden('You are not a member of this room') });
      else if (stored.has(key)) outcomes.push({ message: stored.get(key) as Message, created: false });
      else if (claimed.has(key)) outcomes.push({ sameAs: key });
      else if (room.archived) outcomes.push({ error: AppError.forbidden('This room is archived') });
      else {
        room.lastSeq += 1;
        claimed.add(key);
        outcomes.push({ pendingIndex: toInsert.length });
        toInsert.push({ ...send, seq: room.lastSeq });
      }
    }

    const inserted = new Map<string, Message>();
    if (toInsert.length) {
      const rows = (await manager.query(
        `INSERT INTO messages (room_id, seq, updated_seq, client_msg_id, sender_id, body)
         SELECT r, s, s, c, u, b FROM unnest($1::uuid[], $2::bigint[], $3::text[], $4::uuid[], $5::text[]) AS t(r, s, c, u, b)
         ${RETURNING}`,
        [
          toInsert.map((s) => s.roomId),
          toInsert.map((s) => s.seq),
          toInsert.map((s) => s.clientMsgId),
          toInsert.map((s) => s.sender.id),
          toInsert.map((s) => s.body),
        ],
      )) as Omit<MessageRow, 'username' | 'display_name'>[];
      const senders = new Map(toInsert.map((s) => [sendKey(s.roomId, s.sender.id, s.clientMsgId), s.sender]));
      for (const row of rows) {
        const key = sendKey(row.room_id, row.sender_id, row.client_msg_id);
        inserted.set(key, toMessage(withSender(row, senders.get(key) as MessageSender)));
      }
      // A sender has read everything up to their own message.
      const readUpTo = new Map<string, { roomId: string; userId: string; seq: number }>();
      for (const sent of toInsert)
        readUpTo.set(`${sent.roomId}|${sent.sender.id}`, { roomId: sent.roomId, userId: sent.sender.id, seq: sent.seq });
      const marks = [...readUpTo.values()];
      await manager.query(
        `UPDATE room_members m SET last_read_seq = GREATEST(m.last_read_seq, v.seq)
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS v(room_id, user_id, seq)
         WHERE m.room_id = v.room_id AND m.user_id = v.user_id`,
        [marks.map((mark) => mark.roomId), marks.map((mark) => mark.userId), marks.map((mark) => mark.seq)],
      );
      const heads = [...roomState.entries()].filter(([id]) => toInsert.some((s) => s.roomId === id));
      await manager.query(
        `UPDATE rooms r SET last_seq = v.last_seq, last_activity_at = now()
         FROM unnest($1::uuid[], $2::bigint[]) AS v(id, last_seq) WHERE r.id = v.id`,
        [heads.map(([id]) => id), heads.map(([, state]) => state.lastSeq)],
      );
    }

    return outcomes.map((outcome) => {
      if ('pendingIndex' in outcome) {
        const send = toInsert[outcome.pendingIndex];
        const message = inserted.get(sendKey(send.roomId, send.sender.id, send.clientMsgId));
        if (!message) return { error: new AppError(ErrorCode.INTERNAL, 'Message was not stored') };
        return { message, created: true };
      }
      if ('sameAs' in outcome) {
        const message = inserted.get(outcome.sameAs);
        return message ? { message, created: false } : { error: new AppError(ErrorCode.INTERNAL, 'Message was not stored') };
      }
      return outcome;
    });
  }

  /**
   * Applies an edit or delete as the room's next timeline event. `authorize` judges the context read
   * under the room's lock (everything in this one transaction and connection) and throws to refuse.
   * Returns null when there was nothing to change (already deleted).
   */
  async applyEvent(
    messageId: string,
    actorId: string,
    change: { kind: 'edit'; body: string } | { kind: 'delete' },
    authorize: (context: EventContext) => void,
  ): Promise<Message | null> {
    return this.db.transaction(async (manager) => {
      const located = (await manager.query(`SELECT room_id FROM messages WHERE id = $1`, [messageId])) as { room_id: string }[];
      if (!located[0]) throw AppError.notFound('Message');
      const roomId = located[0].room_id;
      const [room] = (await manager.query(`SELECT last_seq, archived_at FROM rooms WHERE id = $1 FOR UPDATE`, [roomId])) as {
        last_seq: string;
        archived_at: Date | null;
      }[];
      const [row] = (await manager.query(`${MESSAGE_SELECT} WHERE m.id = $1`, [messageId])) as MessageRow[];
      const current = toMessage(row);
      const membership = (await manager.query(`SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2`, [roomId, actorId])) as {
        role: MemberRole;
      }[];
      authorize({ current, roomArchived: room.archived_at !== null, actorMembership: membership[0]?.role ?? null });
      if (current.deletedAt) {
        if (change.kind === 'delete') return null;
        throw new AppError(ErrorCode.CONFLICT, 'This message was deleted');
      }
      const seq = Number(room.last_seq) + 1;
      const [updated] = (
        change.kind === 'edit'
          ? await manager.query(`UPDATE messages SET body = $2, edited_at = now(), updated_seq = $3 WHERE id = $1 ${RETURNING}`, [
              messageId,
              change.body,
              seq,
            ])
          : await manager.query(`UPDATE messages SET body = NULL, deleted_at = now(), updated_seq = $2 WHERE id = $1 ${RETURNING}`, [
              messageId,
              seq,
            ])
      ) as [Omit<MessageRow, 'username' | 'display_name'>[], number];
      await manager.query(`UPDATE rooms SET last_seq = $2, last_activity_at = now() WHERE id = $1`, [roomId, seq]);
      return toMessage(withSender(updated[0], current.sender));
    });
  }

  /** Newest first: messages with seq < before (or the newest), with whether older ones exist. */
  async history(roomId: string, before: number | undefined, limit: number): Promise<TimelinePage> {
    const rows = (await this.db.query(
      `${MESSAGE_SELECT} WHERE m.room_id = $1 AND ($2::bigint IS NULL OR m.seq < $2) ORDER BY m.seq DESC LIMIT $3`,
      [roomId, before ?? null, limit + 1],
    )) as MessageRow[];
    return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
  }

  /** Every message changed after `afterSeq`, ascending by updatedSeq, plus the room's head. */
  async changesSince(roomId: string, afterSeq: number, limit: number): Promise<TimelinePage & { lastSeq: number }> {
    return this.db.transaction('REPEATABLE READ', async (manager) => {
      const [room] = (await manager.query(`SELECT last_seq FROM rooms WHERE id = $1`, [roomId])) as { last_seq: string }[];
      if (!room) throw AppError.notFound('Room');
      const rows = (await manager.query(
        `${MESSAGE_SELECT} WHERE m.room_id = $1 AND m.updated_seq > $2 ORDER BY m.updated_seq ASC LIMIT $3`,
        [roomId, afterSeq, limit + 1],
      )) as MessageRow[];
      return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit, lastSeq: Number(room.last_seq) };
    });
  }
}
