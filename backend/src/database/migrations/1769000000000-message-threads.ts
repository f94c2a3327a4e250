import { MigrationInterface, QueryRunner } from 'typeorm';
import { timelinePayload } from './1767000000000-message-reactions';

/**
 * Threads (contract "Richer messages"): a reply names its root, a top-level message of the same room;
 * the root counts its replies and knows when the last one came. Nullable or constant-default columns:
 * adding them rewrites nothing. The index serves `GET /api/messages/:id/thread` (a root's replies by seq).
 * chat_timeline_payload: the Kafka timeline's message gains threadRootId, replyCount and lastReplyAt.
 */
export class MessageThreads1769000000000 implements MigrationInterface {
  name = 'MessageThreads1769000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages ADD COLUMN thread_root_id uuid REFERENCES messages(id)`);
    await db.query(`ALTER TABLE messages ADD COLUMN reply_count int NOT NULL DEFAULT 0`);
    await db.query(`ALTER TABLE messages ADD COLUMN last_reply_at timestamptz`);
    await db.query(`CREATE INDEX messages_thread ON messages (thread_root_id, seq) WHERE thread_root_id IS NOT NULL`);
    await db.query(
      timelinePayload(`,
            'reactions', m.reactions, 'mentions', to_json(m.mentions), 'threadRootId', m.thread_root_id,
            'replyCount', m.reply_count, 'lastReplyAt', chat_iso_time(m.last_reply_at)`),
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(timelinePayload(`,\n            'reactions', m.reactions, 'mentions', to_json(m.mentions)`));
    await db.query(`DROP INDEX messages_thread`);
    await db.query(`ALTER TABLE messages DROP COLUMN last_reply_at`);
    await db.query(`ALTER TABLE messages DROP COLUMN reply_count`);
    await db.query(`ALTER TABLE messages DROP COLUMN thread_root_id`);
  }
}
