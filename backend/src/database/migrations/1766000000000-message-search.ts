import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Full-text search of message bodies (`GET /api/search`): a GIN index on the expression
 * `to_tsvector('simple', body)`, for live messages only.
 *
 * - 'simple' lowercases and keeps every word as it is: no stemming and no stop words, so it treats
 *   every language alike (a room mixes languages, and an English stemmer would mangle the others and
 *   drop words such as "the" or "will" from queries). Searches match words by prefix instead (see
 *   SearchRepository), which covers most inflections.
 * - An expression index rather than a stored tsvector column: no table rewrite, no wider rows for the
 *   history and sync reads; queries must use the same expression (they do, in one place).
 * - Partial (`deleted_at IS NULL`): tombstones have no body and can never match.
 *
 * Building it locks out writes to messages while it runs. On a large database, create it beforehand with
 * `CREATE INDEX CONCURRENTLY messages_body_search ...` (same definition): this migration then keeps it.
 */
export class MessageSearch1766000000000 implements MigrationInterface {
  name = 'MessageSearch1766000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE INDEX IF NOT EXISTS messages_body_search ON messages
      USING gin (to_tsvector('simple'::regconfig, body)) WHERE deleted_at IS NULL`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX messages_body_search`);
  }
}
