import { Injectable } from '@nestjs/common';
import { ErrorCode, MemberRole, Message, MessageSender, RoomKind, RoomVisibility } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import { Database, Sql } from '../database/sql';
import { RoomRules } from '../rooms/room-rules';
import { readRoomAccess } from '../rooms/room.repository';
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

export interface TimelinePage {
  messages: Message[];
  hasMore: boolean;
}

const MESSAGE_SELECT = `
  SELECT m.id, m.room_id, m.seq, m.updated_seq, m.client_msg_id, m.sender_id, m.body,
         m.created_at, m.edited_at, m.deleted_at, u.username, u.display_name
  FROM messages m JOIN users u ON u.id = m.sender_id`;

const RETURNING = `RETURNING id, room_id, seq, updated_seq, client_msg_id, sender_id, body, created_at, edited_at, deleted_at`;

const accessOf = (row: { kind: RoomKind; visibility: RoomVisibility; archived_at: Date | null }) => ({
  kind: row.kind,
  visibility: row.visibility,
  archived: row.archived_at !== null,
});

const sendKey = (roomId: string, senderId: string, clientMsgId: string) => `${roomId}|${senderId}|${clientMsgId}`;

/**
 * The timeline store. Every event (create, edit, delete) takes the room's next seq under the room row's
 * lock, in the same transaction that writes it, so seqs are gapless and identical for every reader.
 */
@Injectable()
export class MessageRepository {
  constructor(private readonly db: Database) {}

  /**
   * Group commit: writes many sends in one transaction and a handful of statements. Rooms are locked in
   * id order (no deadlocks between concurrent batches); resends are found under the lock, so a
   * clientMsgId is stored once even when retried through another pod.
   */
  writeBatch(sends: PendingSend[]): Promise<SendOutcome[]> {
    return this.db.transaction((tx) => this.writeBatchIn(tx, sends));
  }

  private async writeBatchIn(tx: Sql, sends: PendingSend[]): Promise<SendOutcome[]> {
    const roomIds = [...new Set(sends.map((s) => s.roomId))].sort();
    const rooms = await tx.rows<{ id: string; kind: RoomKind; visibility: RoomVisibility; last_seq: string; archived_at: Date | null }>(
      `SELECT id, kind, visibility, last_seq, archived_at FROM rooms WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`,
      [roomIds],
    );
    const roomState = new Map(rooms.map((r) => [r.id, { row: r, lastSeq: Number(r.last_seq) }]));

    const members = await tx.rows<{ room_id: string; user_id: string; role: MemberRole }>(
      `SELECT room_id, user_id, role FROM room_members
       WHERE (room_id, user_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[]))`,
      [sends.map((s) => s.roomId), sends.map((s) => s.sender.id)],
    );
    const membership = new Map(members.map((m) => [`${m.room_id}|${m.user_id}`, m.role]));

    const existing = await tx.rows<MessageRow>(
      `${MESSAGE_SELECT}
       WHERE (m.room_id, m.sender_id, m.client_msg_id) IN (SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[]))`,
      [sends.map((s) => s.roomId), sends.map((s) => s.sender.id), sends.map((s) => s.clientMsgId)],
    );
    const stored = new Map(existing.map((row) => [sendKey(row.room_id, row.sender_id, row.client_msg_id), toMessage(row)]));

    const outcomes: (SendOutcome | { pendingIndex: number } | { sameAs: string })[] = [];
    const toInsert: (PendingSend & { seq: number })[] = [];
    const claimed = new Set<string>();
    for (const send of sends) {
      const key = sendKey(send.roomId, send.sender.id, send.clientMsgId);
      const room = roomState.get(send.roomId);
      const role = membership.get(`${send.roomId}|${send.sender.id}`) ?? null;
      const refusal = room && RoomRules.canPost({ ...accessOf(room.row), membership: role });
      if (!room) outcomes.push({ error: AppError.notFound('Room') });
      // A retry gets its original while the sender is a member, even once the room was archived.
      else if (role && stored.has(key)) outcomes.push({ message: stored.get(key) as Message, created: false });
      else if (claimed.has(key)) outcomes.push({ sameAs: key });
      else if (refusal) outcomes.push({ error: refusal });
      else {
        room.lastSeq += 1;
        claimed.add(key);
        outcomes.push({ pendingIndex: toInsert.length });
        toInsert.push({ ...send, seq: room.lastSeq });
      }
    }

    const inserted = new Map<string, Message>();
    if (toInsert.length) {
      const rows = await tx.rows<Omit<MessageRow, 'username' | 'display_name'>>(
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
      );
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
      await tx.affected(
        `UPDATE room_members m SET last_read_seq = GREATEST(m.last_read_seq, v.seq)
         FROM unnest($1::uuid[], $2::uuid[], $3::bigint[]) AS v(room_id, user_id, seq)
         WHERE m.room_id = v.room_id AND m.user_id = v.user_id`,
        [marks.map((mark) => mark.roomId), marks.map((mark) => mark.userId), marks.map((mark) => mark.seq)],
      );
      const heads = [...roomState.entries()].filter(([id]) => toInsert.some((s) => s.roomId === id));
      await tx.affected(
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
   * Applies an edit or delete as the room's next timeline event, judged by the room rules on the room,
   * the actor's membership and the message as read under the room's lock, in the transaction that
   * writes. Returns null when there was nothing to change (a delete of a deleted message).
   */
  async applyEvent(messageId: string, actor: Actor, change: { kind: 'edit'; body: string } | { kind: 'delete' }): Promise<Message | null> {
    return this.db.transaction(async (tx) => {
      const located = await tx.one<{ room_id: string }>(`SELECT room_id FROM messages WHERE id = $1`, [messageId]);
      if (!located) throw AppError.notFound('Message');
      const roomId = located.room_id;
      const access = await readRoomAccess(tx, roomId, actor.id, 'lock');
      const head = await tx.one<{ last_seq: string }>(`SELECT last_seq FROM rooms WHERE id = $1`, [roomId]);
      const row = await tx.one<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = $1`, [messageId]);
      if (!access || !head || !row) throw AppError.notFound('Message');
      const current = toMessage(row);
      const target = { senderId: current.sender.id };
      const refusal = change.kind === 'edit' ? RoomRules.canEdit(actor, access, target) : RoomRules.canDelete(actor, access, target);
      if (refusal) throw refusal;
      if (current.deletedAt) {
        if (change.kind === 'delete') return null;
        throw AppError.conflict('This message was deleted');
      }
      const seq = Number(head.last_seq) + 1;
      const updated =
        change.kind === 'edit'
          ? await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
              `UPDATE messages SET body = $2, edited_at = now(), updated_seq = $3 WHERE id = $1 ${RETURNING}`,
              [messageId, change.body, seq],
            )
          : await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
              `UPDATE messages SET body = NULL, deleted_at = now(), updated_seq = $2 WHERE id = $1 ${RETURNING}`,
              [messageId, seq],
            );
      if (!updated) throw AppError.notFound('Message');
      await tx.affected(`UPDATE rooms SET last_seq = $2, last_activity_at = now() WHERE id = $1`, [roomId, seq]);
      return toMessage(withSender(updated, current.sender));
    });
  }

  /** Newest first: messages with seq < before (or the newest), with whether older ones exist. */
  async history(roomId: string, before: number | undefined, limit: number): Promise<TimelinePage> {
    const rows = await this.db.rows<MessageRow>(
      `${MESSAGE_SELECT} WHERE m.room_id = $1 AND ($2::bigint IS NULL OR m.seq < $2) ORDER BY m.seq DESC LIMIT $3`,
      [roomId, before ?? null, limit + 1],
    );
    return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit };
  }

  /** Every message changed after `afterSeq`, ascending by updatedSeq, plus the room's head. */
  async changesSince(roomId: string, afterSeq: number, limit: number): Promise<TimelinePage & { lastSeq: number }> {
    return this.db.transaction(async (tx) => {
      const room = await tx.one<{ last_seq: string }>(`SELECT last_seq FROM rooms WHERE id = $1`, [roomId]);
      if (!room) throw AppError.notFound('Room');
      const rows = await tx.rows<MessageRow>(
        `${MESSAGE_SELECT} WHERE m.room_id = $1 AND m.updated_seq > $2 ORDER BY m.updated_seq ASC LIMIT $3`,
        [roomId, afterSeq, limit + 1],
      );
      return { messages: rows.slice(0, limit).map(toMessage), hasMore: rows.length > limit, lastSeq: Number(room.last_seq) };
    }, 'REPEATABLE READ');
  }
}
