import type { Message, MessageSender, Reaction, RoomNotice } from '@chat/contracts';

/** The messages columns a MessageRow has (the sender's come from users): one list for every statement that reads a message. */
const MESSAGE_COLUMNS = [
  'id',
  'room_id',
  'seq',
  'updated_seq',
  'client_msg_id',
  'sender_id',
  'body',
  'created_at',
  'edited_at',
  'deleted_at',
  'reactions',
  'mentions',
  'thread_root_id',
  'reply_count',
  'last_reply_at',
  'notice',
] as const;

/** `m.id, m.room_id, ...` for the alias (none: `id, room_id, ...`, as after RETURNING). */
export function messageColumns(alias = ''): string {
  return MESSAGE_COLUMNS.map((column) => (alias ? `${alias}.${column}` : column)).join(', ');
}

/** A messages row joined with its sender, as SQL returns it. */
export interface MessageRow {
  id: string;
  room_id: string;
  seq: string | number;
  updated_seq: string | number;
  client_msg_id: string;
  sender_id: string;
  body: string | null;
  created_at: Date;
  edited_at: Date | null;
  deleted_at: Date | null;
  /** jsonb, parsed by the driver. */
  reactions: Reaction[];
  /** uuid[], parsed by the driver. */
  mentions: string[];
  thread_root_id: string | null;
  reply_count: number;
  last_reply_at: Date | null;
  /** jsonb, parsed by the driver; null for an ordinary message. */
  notice: RoomNotice | null;
  username: string;
  display_name: string;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    roomId: row.room_id,
    seq: Number(row.seq),
    updatedSeq: Number(row.updated_seq),
    clientMsgId: row.client_msg_id,
    sender: { id: row.sender_id, username: row.username, displayName: row.display_name },
    body: row.deleted_at ? null : row.body,
    createdAt: row.created_at.toISOString(),
    editedAt: row.edited_at?.toISOString() ?? null,
    deletedAt: row.deleted_at?.toISOString() ?? null,
    reactions: row.deleted_at ? [] : row.reactions,
    mentions: row.deleted_at ? [] : row.mentions,
    threadRootId: row.thread_root_id,
    replyCount: row.reply_count,
    lastReplyAt: row.last_reply_at?.toISOString() ?? null,
    notice: row.notice ?? null,
  };
}

export function withSender(row: Omit<MessageRow, 'username' | 'display_name'>, sender: MessageSender): MessageRow {
  return { ...row, username: sender.username, display_name: sender.displayName };
}
