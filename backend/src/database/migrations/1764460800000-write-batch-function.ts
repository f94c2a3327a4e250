import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The group commit as one server-side function, so a batch of sends is one statement and one round
 * trip: the room rows are locked (in id order) for that statement and its commit only, instead of
 * across eight round trips. One row per send, in input order:
 *   o_outcome 'created'    stored now, with its seq;
 *             'existing'   a resend: the stored original (same room, sender and clientMsgId);
 *             'repeated'   the same send twice in this batch: the copy stored now;
 *             'not_found' | 'not_member' | 'archived'   refused (RoomRules.canPost, in SQL).
 * The sender's read mark moves to their newest message; the room's head and activity time move too.
 */
export class WriteBatchFunction1764460800000 implements MigrationInterface {
  name = 'WriteBatchFunction1764460800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE FUNCTION chat_write_batch(p_rooms uuid[], p_senders uuid[], p_client_ids text[], p_bodies text[])
      RETURNS TABLE (
        o_ord bigint, o_outcome text, o_id uuid, o_seq bigint, o_updated_seq bigint, o_body text,
        o_created_at timestamptz, o_edited_at timestamptz, o_deleted_at timestamptz
      )
      LANGUAGE plpgsql
      -- One plan, made once per connection: the statement's shape does not depend on the batch.
      SET plan_cache_mode = force_generic_plan
      AS $fn$
      BEGIN
        -- Lock the rooms in id order (concurrent batches cannot deadlock) until commit.
        PERFORM 1 FROM rooms r WHERE r.id = ANY (p_rooms) ORDER BY r.id FOR UPDATE;
        -- A new statement, so a new snapshot: it sees every commit made before the locks were granted.
        RETURN QUERY
        WITH input AS (
          SELECT t.room_id, t.sender_id, t.client_msg_id, t.body, t.ord
          FROM unnest(p_rooms, p_senders, p_client_ids, p_bodies) WITH ORDINALITY AS t(room_id, sender_id, client_msg_id, body, ord)
        ),
        judged AS (
          SELECT i.room_id, i.sender_id, i.client_msg_id, i.body, i.ord,
            r.id IS NOT NULL AS room_exists,
            r.last_seq,
            r.archived_at IS NOT NULL AS archived,
            m.user_id IS NOT NULL AS is_member,
            e.id AS existing_id,
            row_number() OVER (PARTITION BY i.room_id, i.sender_id, i.client_msg_id ORDER BY i.ord) AS copy
          FROM input i
          LEFT JOIN rooms r ON r.id = i.room_id
          LEFT JOIN room_members m ON m.room_id = i.room_id AND m.user_id = i.sender_id
          LEFT JOIN messages e ON e.room_id = i.room_id AND e.sender_id = i.sender_id AND e.client_msg_id = i.client_msg_id
        ),
        accepted AS (
          SELECT j.room_id, j.sender_id, j.client_msg_id, j.body,
            j.last_seq + row_number() OVER (PARTITION BY j.room_id ORDER BY j.ord) AS new_seq
          FROM judged j
          WHERE j.room_exists AND j.is_member AND NOT j.archived AND j.existing_id IS NULL AND j.copy = 1
        ),
        inserted AS (
          INSERT INTO messages AS x (room_id, seq, updated_seq, client_msg_id, sender_id, body)
          SELECT a.room_id, a.new_seq, a.new_seq, a.client_msg_id, a.sender_id, a.body FROM accepted a
          RETURNING x.id, x.room_id, x.sender_id, x.client_msg_id, x.seq, x.body, x.created_at
        ),
        heads AS (
          UPDATE rooms r SET last_seq = h.top, last_activity_at = now()
          FROM (SELECT a.room_id, max(a.new_seq) AS top FROM accepted a GROUP BY a.room_id) h
          WHERE r.id = h.room_id
        ),
        marks AS (
          UPDATE room_members rm SET last_read_seq = GREATEST(rm.last_read_seq, k.top)
          FROM (SELECT a.room_id, a.sender_id, max(a.new_seq) AS top FROM accepted a GROUP BY a.room_id, a.sender_id) k
          WHERE rm.room_id = k.room_id AND rm.user_id = k.sender_id
        )
        SELECT j.ord,
          CASE
            WHEN NOT j.room_exists THEN 'not_found'
            WHEN NOT j.is_member THEN 'not_member'
            WHEN j.existing_id IS NOT NULL THEN 'existing'
            WHEN j.archived THEN 'archived'
            WHEN j.copy > 1 THEN 'repeated'
            ELSE 'created'
          END,
          coalesce(e.id, n.id), coalesce(e.seq, n.seq), coalesce(e.updated_seq, n.seq),
          CASE WHEN e.id IS NOT NULL THEN e.body ELSE n.body END,
          coalesce(e.created_at, n.created_at), e.edited_at, e.deleted_at
        FROM judged j
        LEFT JOIN messages e ON e.id = j.existing_id
        LEFT JOIN inserted n ON n.room_id = j.room_id AND n.sender_id = j.sender_id AND n.client_msg_id = j.client_msg_id
        ORDER BY j.ord;
      END
      $fn$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION chat_write_batch(uuid[], uuid[], text[], text[])`);
  }
}
