import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What Kafka mode (KAFKA_BROKERS) needs; direct mode never touches it.
 *
 * kafka_partition_epochs: one row per ingest partition. A writer that is assigned a partition bumps its
 *   epoch; every batch it writes passes the epoch it holds and is written only while that is still the
 *   current one, so a writer that lost the partition (paused, cut off) cannot write after the new owner
 *   claimed it.
 * timeline_outbox: every timeline event (create, edit, delete), written in the transaction of the event,
 *   as the JSON value of its `<prefix>timeline` record; the relay produces and deletes them in id order.
 * chat_timeline_payload(type, message id): that JSON, `{type, roomId, seq, message}` with the message as
 *   the contract's Message (times as JavaScript's toISOString writes them).
 * chat_write_batch_fenced: chat_write_batch for the sends whose (partition, epoch) is current, plus
 *   their outbox rows, in one statement; the others get o_outcome 'fenced' and nothing is written for
 *   them.
 */
export class KafkaIngest1765000000000 implements MigrationInterface {
  name = 'KafkaIngest1765000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE kafka_partition_epochs (
        topic text NOT NULL,
        partition int NOT NULL,
        epoch bigint NOT NULL,
        PRIMARY KEY (topic, partition)
      )`);
    await db.query(`
      CREATE TABLE timeline_outbox (
        id bigserial PRIMARY KEY,
        room_id uuid NOT NULL,
        seq bigint NOT NULL,
        payload text NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION chat_iso_time(p_time timestamptz) RETURNS text
      LANGUAGE sql IMMUTABLE
      AS $fn$ SELECT to_char(p_time AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $fn$`);
    await db.query(`
      CREATE FUNCTION chat_timeline_payload(p_type text, p_message_id uuid) RETURNS text
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
            'deletedAt', chat_iso_time(m.deleted_at)
          )
        )::text
        FROM messages m JOIN users u ON u.id = m.sender_id
        WHERE m.id = p_message_id
      $fn$`);
    await db.query(`
      CREATE FUNCTION chat_write_batch_fenced(
        p_topic text, p_partitions int[], p_epochs bigint[],
        p_rooms uuid[], p_senders uuid[], p_client_ids text[], p_bodies text[]
      )
      RETURNS TABLE (
        o_ord bigint, o_outcome text, o_id uuid, o_seq bigint, o_updated_seq bigint, o_body text,
        o_created_at timestamptz, o_edited_at timestamptz, o_deleted_at timestamptz
      )
      LANGUAGE plpgsql
      AS $fn$
      DECLARE
        v_keep bigint[];
        a_ord bigint[]; a_outcome text[]; a_id uuid[]; a_seq bigint[]; a_updated_seq bigint[]; a_body text[];
        a_created_at timestamptz[]; a_edited_at timestamptz[]; a_deleted_at timestamptz[];
      BEGIN
        -- Hold the batch's epoch rows until commit: a new owner's bump waits for this write to commit,
        -- and a bump committed before this lock is seen by the next statement (a new snapshot).
        PERFORM 1 FROM kafka_partition_epochs e
        WHERE e.topic = p_topic AND e.partition = ANY (p_partitions)
        ORDER BY e.partition FOR SHARE;
        SELECT coalesce(array_agg(t.ord ORDER BY t.ord), '{}') INTO v_keep
        FROM unnest(p_partitions, p_epochs) WITH ORDINALITY AS t(part, epoch, ord)
        JOIN kafka_partition_epochs e ON e.topic = p_topic AND e.partition = t.part AND e.epoch = t.epoch;

        SELECT array_agg(v_keep[w.o_ord] ORDER BY w.o_ord), array_agg(w.o_outcome ORDER BY w.o_ord), array_agg(w.o_id ORDER BY w.o_ord),
          array_agg(w.o_seq ORDER BY w.o_ord), array_agg(w.o_updated_seq ORDER BY w.o_ord), array_agg(w.o_body ORDER BY w.o_ord),
          array_agg(w.o_created_at ORDER BY w.o_ord), array_agg(w.o_edited_at ORDER BY w.o_ord), array_agg(w.o_deleted_at ORDER BY w.o_ord)
        INTO a_ord, a_outcome, a_id, a_seq, a_updated_seq, a_body, a_created_at, a_edited_at, a_deleted_at
        FROM chat_write_batch(
          ARRAY(SELECT p_rooms[k] FROM unnest(v_keep) WITH ORDINALITY AS u(k, n) ORDER BY n),
          ARRAY(SELECT p_senders[k] FROM unnest(v_keep) WITH ORDINALITY AS u(k, n) ORDER BY n),
          ARRAY(SELECT p_client_ids[k] FROM unnest(v_keep) WITH ORDINALITY AS u(k, n) ORDER BY n),
          ARRAY(SELECT p_bodies[k] FROM unnest(v_keep) WITH ORDINALITY AS u(k, n) ORDER BY n)
        ) w;

        -- A statement of its own, so that it sees the messages just inserted.
        INSERT INTO timeline_outbox (room_id, seq, payload)
        SELECT p_rooms[t.ord], t.seq, chat_timeline_payload('message:new', t.id)
        FROM unnest(a_ord, a_outcome, a_id, a_seq) AS t(ord, outcome, id, seq)
        WHERE t.outcome = 'created'
        ORDER BY p_rooms[t.ord], t.seq;

        RETURN QUERY
        SELECT t.* FROM unnest(a_ord, a_outcome, a_id, a_seq, a_updated_seq, a_body, a_created_at, a_edited_at, a_deleted_at) AS t
        UNION ALL
        SELECT s.ord::bigint, 'fenced', NULL::uuid, NULL::bigint, NULL::bigint, NULL::text, NULL::timestamptz, NULL::timestamptz, NULL::timestamptz
        FROM generate_subscripts(p_rooms, 1) AS s(ord)
        WHERE NOT (s.ord = ANY (v_keep))
        ORDER BY 1;
      END
      $fn$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP FUNCTION chat_write_batch_fenced(text, int[], bigint[], uuid[], uuid[], text[], text[])`);
    await db.query(`DROP FUNCTION chat_timeline_payload(text, uuid)`);
    await db.query(`DROP FUNCTION chat_iso_time(timestamptz)`);
    await db.query(`DROP TABLE timeline_outbox`);
    await db.query(`DROP TABLE kafka_partition_epochs`);
  }
}
