import { MigrationInterface, QueryRunner } from 'typeorm';

/** The group-commit functions, by signature. */
const WRITE_FUNCTIONS = [
  'chat_write_batch(uuid[], uuid[], text[], text[])',
  'chat_write_one(uuid, uuid, text, text)',
  'chat_write_batch_fenced(text, int[], bigint[], uuid[], uuid[], text[], text[])',
];

/** The plan settings the group-commit functions run with. */
const BATCH_DRIVEN_PLANS = ['enable_seqscan', 'enable_hashjoin', 'enable_mergejoin'];

/**
 * The group-commit functions plan every join as index lookups driven by the batch, whatever the tables'
 * size and statistics were when the plan was made. They keep one generic plan per connection
 * (plan_cache_mode = force_generic_plan), made at the connection's first write. On a new database, or
 * one whose statistics are not refreshed (autovacuum off), that first write sees tiny tables, and the
 * plan kept what is cheapest for tiny tables while they grew: sequential scans of `messages` (many-rooms
 * on a new database: ack p50 10-20 ms, 22M rows read in 15 s), or with those disabled, merge joins over
 * whole indexes (a 5-send batch took 3 ms at first and 113 ms at 75,000 messages). A batch is at most
 * WRITE_BATCH_MAX sends and each of its lookups (a room by id, a membership, a message by room, sender
 * and clientMsgId) has its index, so nested loops over index lookups are right at any size: sequential
 * scans, hash joins and merge joins are disabled for these functions (measured: flat at about 1 ms
 * from 0 to 75,000 messages).
 */
export class WritePlansByIndex1771000000000 implements MigrationInterface {
  name = 'WritePlansByIndex1771000000000';

  async up(db: QueryRunner): Promise<void> {
    for (const fn of WRITE_FUNCTIONS) {
      for (const setting of BATCH_DRIVEN_PLANS) await db.query(`ALTER FUNCTION ${fn} SET ${setting} = off`);
    }
  }

  async down(db: QueryRunner): Promise<void> {
    for (const fn of WRITE_FUNCTIONS) {
      for (const setting of BATCH_DRIVEN_PLANS) await db.query(`ALTER FUNCTION ${fn} RESET ${setting}`);
    }
  }
}
