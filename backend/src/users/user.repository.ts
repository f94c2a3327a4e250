import { Injectable } from '@nestjs/common';
import type { Role } from '@chat/contracts';
import { batchedLookup } from '../database/batched-lookup';
import { Database, Sql, escapeLike } from '../database/sql';

/** A stored account, as the auth and admin code need it (the password hash never leaves the backend). */
export interface UserRecord {
  id: string;
  username: string;
  displayName: string;
  passwordHash: string;
  role: Role;
  createdAt: Date;
  bannedAt: Date | null;
  banReason: string | null;
  /** Bumped to revoke every token issued before. */
  tokenVersion: number;
}

export interface NewUser {
  username: string;
  displayName: string;
  passwordHash: string;
  role?: Role;
}

interface UserRow {
  id: string;
  username: string;
  display_name: string;
  password_hash: string;
  role: Role;
  created_at: Date;
  banned_at: Date | null;
  ban_reason: string | null;
  token_version: number;
}

const USER_SELECT = `SELECT id, username, display_name, password_hash, role, created_at, banned_at, ban_reason, token_version FROM users`;

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    passwordHash: row.password_hash,
    role: row.role,
    createdAt: row.created_at,
    bannedAt: row.banned_at,
    banReason: row.ban_reason,
    tokenVersion: row.token_version,
  };
}

/** Every read and write of the users table. */
@Injectable()
export class UserRepository {
  /** By id; concurrent calls (every handshake authenticates) share one query. */
  readonly findById: (id: string) => Promise<UserRecord | null>;

  constructor(private readonly db: Database) {
    this.findById = batchedLookup(async (ids) => {
      const rows = await db.rows<UserRow>(`${USER_SELECT} WHERE id = ANY($1::uuid[])`, [ids]);
      return new Map(rows.map((row) => [row.id, toRecord(row)]));
    }, null);
  }

  async findByUsername(username: string): Promise<UserRecord | null> {
    const row = await this.db.one<UserRow>(`${USER_SELECT} WHERE username = $1`, [username]);
    return row ? toRecord(row) : null;
  }

  /** Inserts unless the username is taken; returns null when it is (also when another pod won the race). */
  async insert(user: NewUser): Promise<UserRecord | null> {
    const row = await this.db.one<UserRow>(
      `INSERT INTO users (username, display_name, password_hash, role) VALUES ($1, $2, $3, $4)
       ON CONFLICT (username) DO NOTHING
       RETURNING id, username, display_name, password_hash, role, created_at, banned_at, ban_reason, token_version`,
      [user.username, user.displayName, user.passwordHash, user.role ?? 'user'],
    );
    return row ? toRecord(row) : null;
  }

  async setPassword(id: string, passwordHash: string): Promise<void> {
    await this.db.affected(`UPDATE users SET password_hash = $2 WHERE id = $1`, [id, passwordHash]);
  }

  /** Sets the password and bumps the token version (revoking every token issued so far); answers the new version. */
  async setPasswordAndRevokeTokens(id: string, passwordHash: string): Promise<number> {
    const row = await this.db.one<{ token_version: number }>(
      `UPDATE users SET password_hash = $2, token_version = token_version + 1 WHERE id = $1 RETURNING token_version`,
      [id, passwordHash],
    );
    if (!row) throw new Error(`user ${id} vanished`);
    return row.token_version;
  }

  /** Revokes every token issued so far. */
  async bumpTokenVersion(id: string): Promise<void> {
    await this.db.affected(`UPDATE users SET token_version = token_version + 1 WHERE id = $1`, [id]);
  }

  /** Sets the display name; null when the user does not exist. */
  async setDisplayName(id: string, displayName: string): Promise<UserRecord | null> {
    const row = await this.db.one<UserRow>(
      `UPDATE users SET display_name = $2 WHERE id = $1
       RETURNING id, username, display_name, password_hash, role, created_at, banned_at, ban_reason, token_version`,
      [id, displayName],
    );
    return row ? toRecord(row) : null;
  }

  async setRole(id: string, role: Role): Promise<void> {
    await this.db.affected(`UPDATE users SET role = $2 WHERE id = $1`, [id, role]);
  }

  /** Bans and revokes every token issued so far (token_version bump). */
  /** `sql`: a transaction to ban in (an admin action and its audit row commit together). */
  async ban(id: string, reason: string, sql: Sql = this.db): Promise<void> {
    await sql.affected(`UPDATE users SET banned_at = now(), ban_reason = $2, token_version = token_version + 1 WHERE id = $1`, [
      id,
      reason,
    ]);
  }

  async unban(id: string, sql: Sql = this.db): Promise<void> {
    await sql.affected(`UPDATE users SET banned_at = NULL, ban_reason = NULL WHERE id = $1`, [id]);
  }

  /** Prefix search on username or display name, active users only, ordered by username. */
  async search(query: string, limit: number, excludeId?: string): Promise<UserRecord[]> {
    const rows = await this.db.rows<UserRow>(
      `${USER_SELECT}
       WHERE banned_at IS NULL AND (username LIKE $1 OR lower(display_name) LIKE $1) AND ($2::uuid IS NULL OR id <> $2)
       ORDER BY username LIMIT $3`,
      [`${escapeLike(query.trim().toLowerCase())}%`, excludeId ?? null, limit],
    );
    return rows.map(toRecord);
  }
}
