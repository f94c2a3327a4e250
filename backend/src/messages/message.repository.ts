import { Injectable } from '@nestjs/common';
import { ErrorCode, LIMITS, MemberRole, Message, MessageSender, RoomKind, RoomVisibility } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import { batchedLookup } from '../database/batched-lookup';
import { Database, NamedStatement, Sql } from '../database/sql';
import { RoomAccess, RoomRules, enforce } from '../rooms/room-rules';
import { readRoomAccess } from '../rooms/room.repository';
import { TimelineEvents } from '../timeline/timeline-events';
import { MessageRow, messageColumns, toMessage, withSender } from '../timeline/message.mapper';

/** One send waiting in a group commit. */
export interface PendingSend {
  roomId: string;
  sender: MessageSender;
  clientMsgId: string;
  /** Already trimmed and validated. */
  body: string;
}

/** A send read from an ingest partition, with the epoch its writer holds for that partition. */
export interface FencedSend extends PendingSend {
  partition: number;
  epoch: number;
}

/** Outcome of one send: the stored message (new or the original of a resend) or why it was refused. */
export type SendOutcome = { message: Message; created: boolean } | { error: AppError };

export interface TimelinePage {
  messages: Message[];
  hasMore: boolean;
}

/** A page and the room as its reader may see it (the rules decide); null when the room does not exist. */
export type Visible<T> = { access: RoomAccess; page: T } | null;

/** The room (r) and the reader's membership (rm) as the room rules judge them. */
const ROOM_ACCESS_COLUMNS = `r.kind AS room_kind, r.visibility AS room_visibility, r.archived_at AS room_archived_at,
  r.last_seq AS room_last_seq, rm.role AS reader_role`;

/** Messages of room r with their senders; the caller adds conditions, order and limit. */
const MESSAGES_OF_ROOM = `
  SELECT ${messageColumns('m')}, u.username, u.display_name
  FROM messages m JOIN users u ON u.id = m.sender_id
  WHERE m.room_id = r.id`;

/** One room:sync request: a room, who reads it, from where and how much. */
interface SyncQuery {
  roomId: string;
  readerId: string;
  afterSeq: number;
  limit: number;
}

type PageRow = {
  room_kind: RoomKind;
  room_visibility: RoomVisibility;
  room_archived_at: Date | null;
  room_last_seq: string;
  reader_role: MemberRole | null;
} & (MessageRow | { [K in keyof MessageRow]: null });

function visiblePage(rows: PageRow[], limit: number): Visible<TimelinePage> {
  const first = rows[0];
  if (!first) return null;
  const access: RoomAccess = {
    kind: first.room_kind,
    visibility: first.room_visibility,
    archived: first.room_archived_at !== null,
    membership: first.reader_role,
  };
  const messages = rows.filter((row): row is PageRow & MessageRow => row.id !== null).map(toMessage);
  return { access, page: { messages: messages.slice(0, limit), hasMore: messages.length > limit } };
}

/** The group commit's statements (see MessageWriter, IngestWriter), prepared once per connection. */
const WRITE_ONE: NamedStatement = {
  name: 'chat_write_one',
  text: `SELECT * FROM chat_write_one($1::uuid, $2::uuid, $3::text, $4::text)`,
};
const WRITE_BATCH: NamedStatement = {
  name: 'chat_write_batch',
  text: `SELECT * FROM chat_write_batch($1::uuid[], $2::uuid[], $3::text[], $4::text[])`,
};
const WRITE_BATCH_FENCED: NamedStatement = {
  name: 'chat_write_batch_fenced',
  text: `SELECT * FROM chat_write_batch_fenced($1, $2::int[], $3::bigint[], $4::uuid[], $5::uuid[], $6::text[], $7::text[])`,
};

const MESSAGE_SELECT = `
  SELECT ${messageColumns('m')}, u.username, u.display_name
  FROM messages m JOIN users u ON u.id = m.sender_id`;

const RETURNING = `RETURNING ${messageColumns()}`;

/**
 * messages.reactions from message_reactions: per emoji, in the order it was first added, its count and
 * the first reactors (see the reactions migration).
 */
const REACTIONS_SUMMARY = `coalesce((
  SELECT jsonb_agg(jsonb_build_object('emoji', g.emoji, 'count', g.n, 'userIds', g.user_ids) ORDER BY g.first_at, g.emoji)
  FROM (
    SELECT emoji, count(*) AS n, min(created_at) AS first_at,
           (array_agg(user_id ORDER BY created_at, user_id))[1:${LIMITS.reactionUserIdsMax}] AS user_ids
    FROM message_reactions WHERE message_id = $1 GROUP BY emoji
  ) g
), '[]'::jsonb)`;

/** One row of `chat_write_batch`, per send in input order. */
interface BatchRow {
  o_ord: string;
  o_outcome: 'created' | 'existing' | 'repeated' | 'not_found' | 'not_member' | 'archived' | 'fenced';
  o_id: string | null;
  o_seq: string | null;
  o_updated_seq: string | null;
  o_body: string | null;
  o_created_at: Date | null;
  o_edited_at: Date | null;
  o_deleted_at: Date | null;
}

function outcomeOf(row: BatchRow, { roomId, clientMsgId, sender }: PendingSend): SendOutcome {
  switch (row.o_outcome) {
    case 'fenced':
      return { error: AppError.unavailable('This writer no longer owns the partition') };
    case 'not_found':
      return { error: AppError.notFound('Room') };
    case 'not_member':
      return { error: AppError.notMember() };
    case 'archived':
      return { error: AppError.roomArchived() };
  }
  if (!row.o_id || !row.o_created_at) return { error: new AppError(ErrorCode.INTERNAL, 'Message was not stored') };
  const message = toMessage({
    id: row.o_id,
    room_id: roomId,
    seq: row.o_seq ?? 0,
    updated_seq: row.o_updated_seq ?? 0,
    client_msg_id: clientMsgId,
    sender_id: sender.id,
    body: row.o_body,
    created_at: row.o_created_at,
    edited_at: row.o_edited_at,
    deleted_at: row.o_deleted_at,
    // A new message has no reactions, and mentions only with an '@'; MessageRepository.completed reads
    // those that may have them (and a resend's original as it is now).
    reactions: [],
    mentions: [],
    thread_root_id: null,
    reply_count: 0,
    last_reply_at: null,
    notice: null,
    username: sender.username,
    display_name: sender.displayName,
  });
  return { message, created: row.o_outcome === 'created' };
}

function outcomesOf(sends: PendingSend[], rows: BatchRow[]): SendOutcome[] {
  return sends.map((send, index) => {
    const row = rows[index];
    if (!row || Number(row.o_ord) !== index + 1) return { error: new AppError(ErrorCode.INTERNAL, 'Message was not stored') };
    return outcomeOf(row, send);
  });
}

/**
 * The timeline store. Every event (create, edit, delete) takes the room's next seq under the room row's
 * lock, in the same transaction that writes it, so seqs are gapless and identical for every reader.
 */
@Injectable()
export class MessageRepository {
  constructor(
    private readonly db: Database,
    private readonly events: TimelineEvents,
  ) {}

  /**
   * Group commit: many sends in one statement and one round trip (the `chat_write_batch` function,
   * see its migration), which locks the batch's rooms in id order for that statement and its commit.
   * Resends are found under the lock, so a clientMsgId is stored once even when retried through
   * another pod. A batch of one goes to `chat_write_one`, which answers the same with less work.
   */
  async writeBatch(sends: PendingSend[]): Promise<SendOutcome[]> {
    const [single] = sends;
    const rows =
      sends.length === 1 && single
        ? await this.db.rows<BatchRow>(WRITE_ONE, [single.roomId, single.sender.id, single.clientMsgId, single.body])
        : await this.db.rows<BatchRow>(WRITE_BATCH, [
            sends.map((s) => s.roomId),
            sends.map((s) => s.sender.id),
            sends.map((s) => s.clientMsgId),
            sends.map((s) => s.body),
          ]);
    return this.completed(outcomesOf(sends, rows));
  }

  /**
   * The stored messages of these sends, found by (room, sender, clientMsgId): which of a batch whose
   * answer never came (the connection timed out or broke) the database committed after all.
   */
  async findSent(sends: PendingSend[]): Promise<Message[]> {
    const rows = await this.db.rows<MessageRow>(
      `${MESSAGE_SELECT}
       JOIN unnest($1::uuid[], $2::uuid[], $3::text[]) AS s(room_id, sender_id, client_msg_id)
         ON m.room_id = s.room_id AND m.sender_id = s.sender_id AND m.client_msg_id = s.client_msg_id
       ORDER BY m.room_id, m.seq`,
      [sends.map((s) => s.roomId), sends.map((s) => s.sender.id), sends.map((s) => s.clientMsgId)],
    );
    return rows.map(toMessage);
  }

  /**
   * The write functions answer without reactions, mentions and replies: reads the messages that may have
   * some again, in one statement (usually none): a new message whose body has an '@' (mentions, filled by
   * a trigger), and a resend's original as it is now.
   */
  private async completed(outcomes: SendOutcome[]): Promise<SendOutcome[]> {
    const ids = outcomes.flatMap((outcome) =>
      'message' in outcome && !outcome.message.deletedAt && (!outcome.created || outcome.message.body?.includes('@'))
        ? [outcome.message.id]
        : [],
    );
    if (ids.length === 0) return outcomes;
    const rows = await this.db.rows<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = ANY ($1::uuid[])`, [ids]);
    const byId = new Map(rows.map((row) => [row.id, toMessage(row)]));
    return outcomes.map((outcome) => {
      const message = 'message' in outcome ? byId.get(outcome.message.id) : undefined;
      return message && 'message' in outcome ? { ...outcome, message } : outcome;
    });
  }

  /**
   * Kafka mode's group commit: like writeBatch, but each send is written only while its partition's
   * epoch is still `epoch` (else its outcome is `fenced` and nothing of it is written), and the new
   * messages' timeline events go to the outbox, in the same statement (`chat_write_batch_fenced`).
   */
  async writeFencedBatch(topic: string, sends: FencedSend[]): Promise<{ outcomes: SendOutcome[]; fenced: boolean[] }> {
    const rows = await this.db.rows<BatchRow>(WRITE_BATCH_FENCED, [
      topic,
      sends.map((s) => s.partition),
      sends.map((s) => s.epoch),
      sends.map((s) => s.roomId),
      sends.map((s) => s.sender.id),
      sends.map((s) => s.clientMsgId),
      sends.map((s) => s.body),
    ]);
    return {
      outcomes: await this.completed(outcomesOf(sends, rows)),
      fenced: sends.map((_, index) => rows[index]?.o_outcome === 'fenced'),
    };
  }

  /** Takes ownership of ingest partitions: bumps (or starts) their epochs, which fences out their previous writer. */
  async claimPartitions(topic: string, partitions: number[]): Promise<Map<number, number>> {
    const rows = await this.db.rows<{ partition: number; epoch: string }>(
      `INSERT INTO kafka_partition_epochs AS e (topic, partition, epoch)
       SELECT $1, p, 1 FROM unnest($2::int[]) AS p ORDER BY p
       ON CONFLICT (topic, partition) DO UPDATE SET epoch = e.epoch + 1
       RETURNING e.partition, e.epoch`,
      [topic, [...partitions].sort((a, b) => a - b)],
    );
    return new Map(rows.map((row) => [row.partition, Number(row.epoch)]));
  }

  /**
   * Applies an edit or delete as the room's next timeline event, judged by the room rules on the room,
   * the actor's membership and the message as read under the room's lock, in the transaction that
   * writes. Returns null when there was nothing to change (a delete of a deleted message).
   * `alongside` runs in the same transaction once the outcome is known (an admin's audit row): both
   * are stored or neither.
   */
  async applyEvent(
    messageId: string,
    actor: Actor,
    change: { kind: 'edit'; body: string } | { kind: 'delete' },
    alongside?: (tx: Sql, outcome: Message | null) => Promise<void>,
  ): Promise<Message | null> {
    return this.db.transaction(async (tx) => {
      const outcome =
        change.kind === 'edit' ? await this.editIn(tx, messageId, actor, change.body) : await this.deleteIn(tx, messageId, actor);
      await alongside?.(tx, outcome);
      return outcome;
    });
  }

  /**
   * Adds or removes the actor's reaction with `emoji`: a timeline event (the room's next seq) when it
   * changes anything; adding one twice or removing one that is not there changes nothing and takes no seq.
   */
  async react(messageId: string, actor: Actor, emoji: string, add: boolean): Promise<{ message: Message; changed: boolean }> {
    return this.db.transaction(async (tx) => {
      const { access, current } = await this.locked(tx, messageId, actor);
      enforce(RoomRules.canReact(access));
      if (current.deletedAt) throw AppError.conflict('This message was deleted');
      if (current.notice) throw AppError.conflict('A room notice cannot be reacted to');
      if (add && current.reactions.length >= LIMITS.reactionsPerMessage && !current.reactions.some((r) => r.emoji === emoji)) {
        throw AppError.conflict(`A message can have at most ${LIMITS.reactionsPerMessage} different reactions`);
      }
      const changed = add
        ? await tx.affected(`INSERT INTO message_reactions (message_id, emoji, user_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
            messageId,
            emoji,
            actor.id,
          ])
        : await tx.affected(`DELETE FROM message_reactions WHERE message_id = $1 AND emoji = $2 AND user_id = $3`, [
            messageId,
            emoji,
            actor.id,
          ]);
      if (changed === 0) return { message: current, changed: false };
      const seq = await this.events.nextSeq(tx, current.roomId);
      const updated = await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
        `UPDATE messages SET reactions = ${REACTIONS_SUMMARY}, updated_seq = $2 WHERE id = $1 ${RETURNING}`,
        [messageId, seq],
      );
      if (!updated) throw AppError.notFound('Message');
      await this.events.record(tx, current.roomId, seq, 'message:updated', messageId);
      return { message: toMessage(withSender(updated, current.sender)), changed: true };
    });
  }

  /**
   * A reply in a thread: written on its own (not in a group commit), under the room's lock, with the room's
   * next seq; the root's replyCount and lastReplyAt change as the event after it. A resend of the same
   * clientMsgId answers the stored reply and changes nothing. `root` is null then.
   */
  async reply(send: PendingSend & { threadRootId: string }): Promise<{ message: Message; root: Message | null }> {
    return this.db.transaction(async (tx) => {
      const access = await readRoomAccess(tx, send.roomId, send.sender.id, 'lock');
      if (!access) throw AppError.notFound('Room');
      enforce(RoomRules.canPost(access));
      const resent = await tx.one<MessageRow>(`${MESSAGE_SELECT} WHERE m.room_id = $1 AND m.sender_id = $2 AND m.client_msg_id = $3`, [
        send.roomId,
        send.sender.id,
        send.clientMsgId,
      ]);
      if (resent) return { message: toMessage(resent), root: null };
      const root = await tx.one<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = $1`, [send.threadRootId]);
      const problem =
        !root || root.room_id !== send.roomId
          ? 'is not a message of this room'
          : root.thread_root_id
            ? 'is itself a reply'
            : root.deleted_at
              ? 'was deleted'
              : root.notice
                ? 'is a room notice'
                : null;
      if (problem) throw AppError.validation([{ field: 'threadRootId', message: `threadRootId ${problem}` }]);
      const seq = await this.events.nextSeq(tx, send.roomId);
      const inserted = await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
        `INSERT INTO messages (room_id, seq, updated_seq, client_msg_id, sender_id, body, thread_root_id)
         VALUES ($1, $2, $2, $3, $4, $5, $6) ${RETURNING}`,
        [send.roomId, seq, send.clientMsgId, send.sender.id, send.body, send.threadRootId],
      );
      if (!inserted) throw new AppError(ErrorCode.INTERNAL, 'Message was not stored');
      const rootSeq = await this.events.nextSeq(tx, send.roomId);
      const counted = await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
        `UPDATE messages SET reply_count = reply_count + 1, last_reply_at = $2, updated_seq = $3 WHERE id = $1 ${RETURNING}`,
        [send.threadRootId, inserted.created_at, rootSeq],
      );
      if (!counted || !root) throw AppError.notFound('Message');
      await this.events.record(tx, send.roomId, seq, 'message:new', inserted.id);
      await this.events.record(tx, send.roomId, rootSeq, 'message:updated', send.threadRootId);
      return {
        message: toMessage(withSender(inserted, send.sender)),
        root: toMessage(withSender(counted, { id: root.sender_id, username: root.username, displayName: root.display_name })),
      };
    });
  }

  /** A thread's replies with seq > after, ascending; and the root's room as `reader` may see it (null: no such root). */
  async thread(rootId: string, readerId: string, after: number, limit: number): Promise<Visible<TimelinePage>> {
    const rows = await this.db.rows<PageRow>(
      `SELECT ${ROOM_ACCESS_COLUMNS}, x.*
       FROM messages root
       JOIN rooms r ON r.id = root.room_id
       LEFT JOIN room_members rm ON rm.room_id = r.id AND rm.user_id = $2
       LEFT JOIN LATERAL (
         ${MESSAGES_OF_ROOM} AND m.thread_root_id = root.id AND m.seq > $3 ORDER BY m.seq ASC LIMIT $4
       ) x ON true
       WHERE root.id = $1`,
      [rootId, readerId, after, limit + 1],
    );
    return visiblePage(rows, limit);
  }

  private async editIn(tx: Sql, messageId: string, actor: Actor, body: string): Promise<Message> {
    const { access, current } = await this.locked(tx, messageId, actor);
    enforce(RoomRules.canEdit(actor, access, { senderId: current.sender.id }));
    if (current.deletedAt) throw AppError.conflict('This message was deleted');
    if (current.notice) throw AppError.conflict('A room notice cannot be edited');
    const seq = await this.events.nextSeq(tx, current.roomId);
    const updated = await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
      `UPDATE messages SET body = $2, edited_at = now(), updated_seq = $3 WHERE id = $1 ${RETURNING}`,
      [messageId, body, seq],
    );
    if (!updated) throw AppError.notFound('Message');
    await this.events.record(tx, current.roomId, seq, 'message:updated', messageId);
    return toMessage(withSender(updated, current.sender));
  }

  /** A tombstone keeps no body and no reactions. */
  private async deleteIn(tx: Sql, messageId: string, actor: Actor): Promise<Message | null> {
    const { access, current } = await this.locked(tx, messageId, actor);
    enforce(RoomRules.canDelete(actor, access, { senderId: current.sender.id }));
    if (current.deletedAt) return null;
    // A room's record of who joined and what changed stays; an admin may still take one down (a rude name).
    if (current.notice && actor.role !== 'admin') throw AppError.conflict('A room notice cannot be deleted');
    const seq = await this.events.nextSeq(tx, current.roomId);
    const updated = await tx.one<Omit<MessageRow, 'username' | 'display_name'>>(
      `UPDATE messages SET body = NULL, deleted_at = now(), updated_seq = $2, reactions = '[]'::jsonb WHERE id = $1 ${RETURNING}`,
      [messageId, seq],
    );
    if (!updated) throw AppError.notFound('Message');
    if (current.reactions.length > 0) await tx.affected(`DELETE FROM message_reactions WHERE message_id = $1`, [messageId]);
    await this.events.record(tx, current.roomId, seq, 'message:deleted', messageId);
    return toMessage(withSender(updated, current.sender));
  }

  /** The message and the actor's access to its room, read under the room row's lock (held until the transaction ends). */
  private async locked(tx: Sql, messageId: string, actor: Actor): Promise<{ access: RoomAccess; current: Message }> {
    const located = await tx.one<{ room_id: string }>(`SELECT room_id FROM messages WHERE id = $1`, [messageId]);
    if (!located) throw AppError.notFound('Message');
    const access = await readRoomAccess(tx, located.room_id, actor.id, 'lock');
    const row = await tx.one<MessageRow>(`${MESSAGE_SELECT} WHERE m.id = $1`, [messageId]);
    if (!access || !row) throw AppError.notFound('Message');
    return { access, current: toMessage(row) };
  }

  /**
   * Newest first: top-level messages (thread replies are in their threads) with seq < before (or the
   * newest), with whether older ones exist; and the
   * room as `reader` may see it (null when the room does not exist), for the caller to apply the rules.
   */
  async history(roomId: string, readerId: string, before: number | undefined, limit: number): Promise<Visible<TimelinePage>> {
    const rows = await this.db.rows<PageRow>(
      `SELECT ${ROOM_ACCESS_COLUMNS}, x.*
       FROM rooms r
       LEFT JOIN room_members rm ON rm.room_id = r.id AND rm.user_id = $2
       LEFT JOIN LATERAL (
         ${MESSAGES_OF_ROOM} AND m.thread_root_id IS NULL AND ($3::bigint IS NULL OR m.seq < $3) ORDER BY m.seq DESC LIMIT $4
       ) x ON true
       WHERE r.id = $1`,
      [roomId, readerId, before ?? null, limit + 1],
    );
    return visiblePage(rows, limit);
  }

  /**
   * Every message changed after `afterSeq`, ascending by updatedSeq, plus the room's head, read in one
   * statement (one snapshot: the head matches the page); and the room as `reader` may see it.
   */
  changesSince(roomId: string, readerId: string, afterSeq: number, limit: number): Promise<Visible<TimelinePage & { lastSeq: number }>> {
    return this.syncs({ roomId, readerId, afterSeq, limit });
  }

  /** room:sync requests of one event-loop turn (a reconnect storm sends thousands) share one statement. */
  private readonly syncs = batchedLookup<SyncQuery, Visible<TimelinePage & { lastSeq: number }>>(async (queries) => {
    const rows = await this.db.rows<PageRow & { q_ord: string }>(
      `SELECT q.ord AS q_ord, ${ROOM_ACCESS_COLUMNS}, x.*
       FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::int[]) WITH ORDINALITY AS q(room_id, reader_id, after_seq, lim, ord)
       JOIN rooms r ON r.id = q.room_id
       LEFT JOIN room_members rm ON rm.room_id = r.id AND rm.user_id = q.reader_id
       LEFT JOIN LATERAL (
         ${MESSAGES_OF_ROOM} AND m.updated_seq > q.after_seq ORDER BY m.updated_seq ASC LIMIT q.lim
       ) x ON true
       ORDER BY q.ord, x.updated_seq`,
      [queries.map((q) => q.roomId), queries.map((q) => q.readerId), queries.map((q) => q.afterSeq), queries.map((q) => q.limit + 1)],
    );
    const byQuery = new Map<number, PageRow[]>();
    for (const row of rows) {
      const ord = Number(row.q_ord);
      const mine = byQuery.get(ord);
      if (mine) mine.push(row);
      else byQuery.set(ord, [row]);
    }
    return new Map(
      queries.map((query, index) => {
        const mine = byQuery.get(index + 1) ?? [];
        const visible = visiblePage(mine, query.limit);
        return [query, visible && { ...visible, page: { ...visible.page, lastSeq: Number(mine[0]?.room_last_seq ?? 0) } }];
      }),
    );
  }, null);
}
