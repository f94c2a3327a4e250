import { MigrationInterface, QueryRunner } from 'typeorm';
import { WriteBatchFunction1764460800000 } from './1764460800000-write-batch-function';

/**
 * `chat_write_batch` answers without joining its own INSERT. It used to match every send to the rows the
 * INSERT returned (by room, sender and clientMsgId); its generic plan, which expects a handful of rows from
 * `unnest`, did that as a nested loop over both lists: n² comparisons, 40,000 for a batch of 200 and most
 * of the statement's time (11 of 15 ms), where a busy pod writes batches of up to WRITE_BATCH_MAX (500).
 * Now the id and seq of each accepted send are decided before the INSERT (`numbered`), the INSERT writes
 * them, and the answer is read from that same list, with a window for the copies of one send: linear in
 * the batch. Same rows, same outcomes, same order as before (see 1764460800000); created_at is the
 * transaction's now(), written and answered. Like every migration it is a frozen snapshot: it repeats what
 * it keeps of the earlier version instead of sharing text with it, so no later edit can change it.
 */
export class WriteBatchLinear1772000000000 implements MigrationInterface {
  name = 'WriteBatchLinear1772000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION chat_write_batch(p_rooms uuid[], p_senders uuid[], p_client_ids text[], p_bodies text[])
      RETURNS TABLE (
        o_ord bigint, o_outcome text, o_id uuid, o_seq bigint, o_updated_seq bigint, o_body text,
        o_created_at timestamptz, o_edited_at timestamptz, o_deleted_at timestamptz
      )
      LANGUAGE plpgsql
      -- One plan, made once per connection: the statement's shape does not depend on the batch.
      SET plan_cache_mode = force_generic_plan
      -- Joins as index lookups driven by the batch, whatever the tables' size when planned (1771000000000).
      SET enable_seqscan = off
      SET enable_hashjoin = off
      SET enable_mergejoin = off
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
        decided AS (
          SELECT j.*, (j.room_exists AND j.is_member AND NOT j.archived AND j.existing_id IS NULL AND j.copy = 1) AS accept
          FROM judged j
        ),
        -- The id and seq of every accepted send, decided once (a volatile id: this list is materialized).
        numbered AS MATERIALIZED (
          SELECT d.*,
            CASE WHEN d.accept THEN gen_random_uuid() END AS new_id,
            CASE WHEN d.accept THEN d.last_seq + count(*) FILTER (WHERE d.accept) OVER (PARTITION BY d.room_id ORDER BY d.ord) END AS new_seq
          FROM decided d
        ),
        inserted AS (
          INSERT INTO messages (id, room_id, seq, updated_seq, client_msg_id, sender_id, body, created_at)
          SELECT n.new_id, n.room_id, n.new_seq, n.new_seq, n.client_msg_id, n.sender_id, n.body, now() FROM numbered n WHERE n.accept
        ),
        heads AS (
          UPDATE rooms r SET last_seq = h.top, last_activity_at = now()
          FROM (SELECT n.room_id, max(n.new_seq) AS top FROM numbered n WHERE n.accept GROUP BY n.room_id) h
          WHERE r.id = h.room_id
        ),
        marks AS (
          UPDATE room_members rm SET last_read_seq = GREATEST(rm.last_read_seq, k.top)
          FROM (SELECT n.room_id, n.sender_id, max(n.new_seq) AS top FROM numbered n WHERE n.accept GROUP BY n.room_id, n.sender_id) k
          WHERE rm.room_id = k.room_id AND rm.user_id = k.sender_id
        ),
        -- Every copy of one send answers with what its first copy stored now (nothing, when that was refused).
        answered AS (
          SELECT n.*,
            first_value(n.new_id) OVER same_send AS stored_id,
            first_value(n.new_seq) OVER same_send AS stored_seq,
            first_value(n.body) OVER same_send AS stored_body
          FROM numbered n
          WINDOW same_send AS (PARTITION BY n.room_id, n.sender_id, n.client_msg_id ORDER BY n.ord)
        )
        SELECT a.ord,
          CASE
            WHEN NOT a.room_exists THEN 'not_found'
            WHEN NOT a.is_member THEN 'not_member'
            WHEN a.existing_id IS NOT NULL THEN 'existing'
            WHEN a.archived THEN 'archived'
            WHEN a.copy > 1 THEN 'repeated'
            ELSE 'created'
          END,
          coalesce(e.id, a.stored_id), coalesce(e.seq, a.stored_seq), coalesce(e.updated_seq, a.stored_seq),
          CASE WHEN e.id IS NOT NULL THEN e.body WHEN a.stored_id IS NOT NULL THEN a.stored_body END,
          CASE WHEN e.id IS NOT NULL THEN e.created_at WHEN a.stored_id IS NOT NULL THEN now() END,
          e.edited_at, e.deleted_at
        FROM answered a
        LEFT JOIN messages e ON e.id = a.existing_id
        ORDER BY a.ord;
      END
      $fn$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION chat_write_batch(uuid[], uuid[], text[], text[])`);
    await new WriteBatchFunction1764460800000().up(db);
    // As 1771000000000 left it (the version with the quadratic answer).
    for (const setting of ['enable_seqscan', 'enable_hashjoin', 'enable_mergejoin']) {
      await db.query(`ALTER FUNCTION chat_write_batch(uuid[], uuid[], text[], text[]) SET ${setting} = off`);
    }
  }
}
