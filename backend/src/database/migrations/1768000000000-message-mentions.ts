import { MigrationInterface, QueryRunner } from 'typeorm';
import { LIMITS } from '@chat/contracts';
import { timelinePayload } from './1767000000000-message-reactions';

/**
 * Mentions: `messages.mentions`, the user ids a body mentions (contract "Richer messages").
 *
 * - Filled by a trigger whenever a body is stored (every write path: the group-commit functions, Kafka's
 *   fenced writer, edits; a delete's NULL body clears it), in the statement that writes the body. A body
 *   without '@' costs one position() check.
 * - chat_mentions(room, sender, body): members of the room whose username follows an '@' (case-insensitive;
 *   a sentence's full stop after it is ignored), the sender excepted; `@room` means every member but the
 *   sender, in rooms of up to LIMITS.roomMentionMembersMax members.
 * - A partial GIN index for "unread messages that mention me" (`GET /api/rooms` items' `mentions`).
 * - chat_timeline_payload: the Kafka timeline's message gains `mentions` (after `reactions`).
 */
/**
 * The mentions trigger's function: mentions nobody when `none` holds, else chat_mentions of the body. Later
 * migrations replace it through this too (1770000000000: room notices mention nobody).
 */
export function fillMentionsFunction(none: string): string {
  return `
      CREATE OR REPLACE FUNCTION chat_fill_mentions() RETURNS trigger
      LANGUAGE plpgsql
      AS $fn$
      BEGIN
        IF ${none} THEN
          NEW.mentions := '{}';
        ELSE
          NEW.mentions := chat_mentions(NEW.room_id, NEW.sender_id, NEW.body);
        END IF;
        RETURN NEW;
      END
      $fn$`;
}

export class MessageMentions1768000000000 implements MigrationInterface {
  name = 'MessageMentions1768000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE messages ADD COLUMN mentions uuid[] NOT NULL DEFAULT '{}'`);
    await db.query(`CREATE INDEX messages_mentions ON messages USING gin (mentions) WHERE mentions <> '{}'`);
    await db.query(`
      CREATE FUNCTION chat_mentions(p_room uuid, p_sender uuid, p_body text) RETURNS uuid[]
      LANGUAGE sql STABLE
      AS $fn$
        WITH named AS (
          SELECT lower(m[1]) AS name FROM regexp_matches(p_body, '(?:^|[^a-zA-Z0-9_.-])@([a-zA-Z0-9_.-]+)', 'g') AS m
        ), everyone AS (
          SELECT p_body ~ '(^|[^a-zA-Z0-9_.-])@room($|[^a-zA-Z0-9_-])'
             AND (SELECT count(*) FROM room_members c WHERE c.room_id = p_room) <= ${LIMITS.roomMentionMembersMax} AS yes
        )
        SELECT coalesce(array_agg(u.id ORDER BY u.id), '{}')
        FROM room_members rm JOIN users u ON u.id = rm.user_id
        WHERE rm.room_id = p_room AND u.id <> p_sender
          AND ((SELECT yes FROM everyone)
            OR u.username IN (SELECT name FROM named UNION SELECT rtrim(name, '.') FROM named))
      $fn$`);
    await db.query(fillMentionsFunction(`NEW.body IS NULL OR position('@' in NEW.body) = 0`));
    await db.query(`
      CREATE TRIGGER messages_fill_mentions BEFORE INSERT OR UPDATE OF body ON messages
      FOR EACH ROW EXECUTE FUNCTION chat_fill_mentions()`);
    await db.query(timelinePayload(`,\n            'reactions', m.reactions, 'mentions', to_json(m.mentions)`));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(timelinePayload(`,\n            'reactions', m.reactions`));
    await db.query(`DROP TRIGGER messages_fill_mentions ON messages`);
    await db.query(`DROP FUNCTION chat_fill_mentions()`);
    await db.query(`DROP FUNCTION chat_mentions(uuid, uuid, text)`);
    await db.query(`DROP INDEX messages_mentions`);
    await db.query(`ALTER TABLE messages DROP COLUMN mentions`);
  }
}
