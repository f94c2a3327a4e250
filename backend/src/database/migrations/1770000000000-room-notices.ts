import { MigrationInterface, QueryRunner } from 'typeorm';
import { timelinePayload } from './1767000000000-message-reactions';
import { fillMentionsFunction } from './1768000000000-message-mentions';

const THREADS_PAYLOAD = `,
            'reactions', m.reactions, 'mentions', to_json(m.mentions), 'threadRootId', m.thread_root_id,
            'replyCount', m.reply_count, 'lastReplyAt', chat_iso_time(m.last_reply_at)`;

/**
 * Room settings and room notices. A room gains a topic. A message may be a notice (joined, left, added,
 * removed, renamed, topic, owner; see the contract's Message.notice): a row of the room's timeline with its
 * own seq, written in the transaction of the change it records. Notices mention nobody (the trigger skips
 * them), and the Kafka timeline's message gains `notice`. Nullable or constant-default columns: adding
 * them rewrites nothing.
 */
export class RoomNotices1770000000000 implements MigrationInterface {
  name = 'RoomNotices1770000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE rooms ADD COLUMN topic text NOT NULL DEFAULT ''`);
    await db.query(`ALTER TABLE messages ADD COLUMN notice jsonb`);
    await db.query(fillMentionsFunction(`NEW.notice IS NOT NULL OR NEW.body IS NULL OR position('@' in NEW.body) = 0`));
    await db.query(timelinePayload(`${THREADS_PAYLOAD}, 'notice', m.notice`));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(timelinePayload(THREADS_PAYLOAD));
    await db.query(fillMentionsFunction(`NEW.body IS NULL OR position('@' in NEW.body) = 0`));
    await db.query(`ALTER TABLE messages DROP COLUMN notice`);
    await db.query(`ALTER TABLE rooms DROP COLUMN topic`);
  }
}
