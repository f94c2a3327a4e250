import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Emoji reactions (`reaction:add`, `reaction:remove`).
 *
 * - message_reactions: who reacted with what, one row per (message, emoji, user); the source of truth.
 * - messages.reactions: the contract's `reactions` summary of those rows (per emoji in the order it was
 *   first added: count and the first userIds), rewritten in the transaction of each reaction event. Reads
 *   (history, sync, search, the Kafka timeline) take it with the row, with no join or aggregate. A constant
 *   default: adding the column does not rewrite the table.
 * - chat_timeline_payload: the Kafka timeline's message gains `reactions`.
 */
export class MessageReactions1767000000000 implements MigrationInterface {
  name = 'MessageReactions1767000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages ADD COLUMN reactions jsonb NOT NULL DEFAULT '[]'::jsonb`);
    await db.query(`
      CREATE TABLE message_reactions (
        message_id uuid NOT NULL REFERENCES messages(id) ON DELETE CASCADE,
        emoji text NOT NULL,
        user_id uuid NOT NULL REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (message_id, emoji, user_id)
      )`);
    await db.query(timelinePayload(`,\n            'reactions', m.reactions`));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(timelinePayload(''));
    await db.query(`DROP TABLE message_reactions`);
    await db.query(`ALTER TABLE messages DROP COLUMN reactions`);
  }
}

/** chat_timeline_payload (see KafkaIngest1765000000000) with `more` after the message's other fields (the later migrations that add fields use it too). */
export function timelinePayload(more: string): string {
  return `
      CREATE OR REPLACE FUNCTION chat_timeline_payload(p_type text, p_message_id uuid) RETURNS text
      LANGUAGE sql STABLE
      AS $fn$
        SELECT json_build_object(
          'type', p_type,
          'roomId', m.room_id,
          'seq', CASE WHEN p_type = 'message:new' THEN m.seq ELSE m.updated_seq END,
          'message', json_build_object(
            'id', m.id, 'roomId', m.room_id, 'seq', m.seq, 'updatedSeq', m.updated_seq, 'clientMsgId', m.client_msg_id,
            'sender', json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name),
            'body', CASE WHEN m.deleted_at IS NULL THEN m.body END,
            'createdAt', chat_iso_time(m.created_at), 'editedAt', chat_iso_time(m.edited_at),
            'deletedAt', chat_iso_time(m.deleted_at)${more}
          )
        )::text
        FROM messages m JOIN users u ON u.id = m.sender_id
        WHERE m.id = p_message_id
      $fn$`;
}
