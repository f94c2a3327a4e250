import { MigrationInterface, QueryRunner } from 'typeorm';

/** The group-commit functions, by signature. */
const WRITE_FUNCTIONS = [
  'chat_write_batch(uuid[], uuid[], text[], text[])',
  'chat_write_one(uuid, uuid, text, text)',
  'chat_write_batch_fenced(text, int[], bigint[], uuid[], uuid[], text[], text[])',
];

/**
 * The group-commit functions plan their lookups by index whatever the statistics say. They keep one
 * generic plan per connection (plan_cache_mode = force_generic_plan), made at the connection's first
 * write. On a new or little-used database that first write sees tiny tables, for which a sequential
 * scan is cheapest, and the plan kept it while `messages` grew: the duplicate check then read the whole
 * table for every send (measured: sends 5-10× slower within seconds, until autovacuum's ANALYZE
 * replaced the plan up to a minute later). Every lookup of these functions (rooms by id, a membership,
 * a message by room, sender and clientMsgId) has its index, and an index lookup is never much worse
 * than a scan of a small table, so sequential scans are disabled for them.
 */
export class WritePlansByIndex1771000000000 implements MigrationInterface {
  name = 'WritePlansByIndex1771000000000';

  async up(db: QueryRunner): Promise<void> {
    for (const fn of WRITE_FUNCTIONS) await db.query(`ALTER FUNCTION ${fn} SET enable_seqscan = off`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const fn of WRITE_FUNCTIONS) await db.query(`ALTER FUNCTION ${fn} RESET enable_seqscan`);
  }
}
