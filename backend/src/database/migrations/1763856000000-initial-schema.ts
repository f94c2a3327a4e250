import { MigrationInterface, QueryRunner } from 'typeorm';

export class InitialSchema1763856000000 implements MigrationInterface {
  name = 'InitialSchema1763856000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username varchar(32) NOT NULL UNIQUE,
        display_name varchar(64) NOT NULL,
        password_hash text NOT NULL,
        role varchar(16) NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
        created_at timestamptz NOT NULL DEFAULT now(),
        banned_at timestamptz,
        ban_reason text,
        token_version int NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE INDEX users_username_prefix ON users (username text_pattern_ops)`);
    await db.query(`
      CREATE TABLE rooms (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(80) NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('channel', 'dm')),
        visibility varchar(16) NOT NULL CHECK (visibility IN ('public', 'private')),
        dm_key text UNIQUE,
        created_by uuid REFERENCES users(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_seq bigint NOT NULL DEFAULT 0,
        last_activity_at timestamptz,
        archived_at timestamptz
      )`);
    await db.query(`CREATE INDEX rooms_public_name ON rooms (lower(name)) WHERE kind = 'channel' AND visibility = 'public'`);
    await db.query(`
      CREATE TABLE room_members (
        room_id uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        user_id uuid NOT NULL REFERENCES users(id) ON DELETE CASCADE,
        role varchar(16) NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'member')),
        joined_at timestamptz NOT NULL DEFAULT now(),
        last_read_seq bigint NOT NULL DEFAULT 0,
        PRIMARY KEY (room_id, user_id)
      )`);
    await db.query(`CREATE INDEX room_members_user ON room_members (user_id)`);
    await db.query(`
      CREATE TABLE messages (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        room_id uuid NOT NULL REFERENCES rooms(id) ON DELETE CASCADE,
        seq bigint NOT NULL,
        updated_seq bigint NOT NULL,
        client_msg_id varchar(64) NOT NULL,
        sender_id uuid NOT NULL REFERENCES users(id),
        body text,
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz,
        deleted_at timestamptz,
        CONSTRAINT messages_room_seq UNIQUE (room_id, seq),
        CONSTRAINT messages_room_updated_seq UNIQUE (room_id, updated_seq),
        CONSTRAINT messages_client_msg UNIQUE (room_id, sender_id, client_msg_id)
      )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE messages`);
    await db.query(`DROP TABLE room_members`);
    await db.query(`DROP TABLE rooms`);
    await db.query(`DROP TABLE users`);
  }
}
