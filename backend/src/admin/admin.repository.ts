import { Injectable } from '@nestjs/common';
import type { AdminRoom, AdminUser, AuditAction, AuditEntry } from '@chat/contracts';
import { Database, Sql, escapeLike } from '../database/sql';
import { ROOM_COLUMNS, RoomRow, toRoom } from '../rooms/room.repository';

interface AdminUserRow {
  id: string;
  username: string;
  display_name: string;
  role: 'user' | 'admin';
  created_at: Date;
  banned_at: Date | null;
  ban_reason: string | null;
}

const USER_COLUMNS = 'id, username, display_name, role, created_at, banned_at, ban_reason';

function toAdminUser(row: AdminUserRow): AdminUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role,
    createdAt: row.created_at.toISOString(),
    bannedAt: row.banned_at?.toISOString() ?? null,
    banReason: row.ban_reason,
  };
}

/** Queries behind the admin API: keyset-paged lists, archiving, the audit log (users are written by users/). */
@Injectable()
export class AdminRepository {
  constructor(private readonly db: Database) {}

  async users(query: string, limit: number, after: string | null): Promise<AdminUser[]> {
    const rows = await this.db.rows<AdminUserRow>(
      `SELECT ${USER_COLUMNS} FROM users
       WHERE (username LIKE $1 OR lower(display_name) LIKE $1) AND ($2::text IS NULL OR username > $2)
       ORDER BY username LIMIT $3`,
      [`${escapeLike(query.trim().toLowerCase())}%`, after, limit],
    );
    return rows.map(toAdminUser);
  }

  async user(id: string): Promise<AdminUser | null> {
    const row = await this.db.one<AdminUserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = $1`, [id]);
    return row ? toAdminUser(row) : null;
  }

  /** Newest first; each item carries `key`, its exact (created_at, id) position for the next cursor. */
  async rooms(query: string, limit: number, after: [string, string] | null): Promise<(AdminRoom & { key: [string, string] })[]> {
    const rows = await this.db.rows<RoomRow & { created_by: string | null; created_key: string }>(
      `SELECT ${ROOM_COLUMNS}, NULL AS people, r.created_by, r.created_at::text AS created_key
       FROM rooms r
       WHERE r.kind = 'channel' AND lower(r.name) LIKE $1
         AND ($2::timestamptz IS NULL OR (r.created_at, r.id) < ($2::timestamptz, $3::uuid))
       ORDER BY r.created_at DESC, r.id DESC LIMIT $4`,
      [`%${escapeLike(query.trim().toLowerCase())}%`, after?.[0] ?? null, after?.[1] ?? null, limit],
    );
    return rows.map((row) => ({ ...toRoom(row), createdBy: row.created_by, key: [row.created_key, row.id] as [string, string] }));
  }

  /** Archives a room once; its archive time, or null when it does not exist or was archived already. */
  async archiveRoom(id: string, sql: Sql = this.db): Promise<string | null> {
    const row = await sql.one<{ archived_at: Date }>(
      `UPDATE rooms SET archived_at = now() WHERE id = $1 AND archived_at IS NULL RETURNING archived_at`,
      [id],
    );
    return row?.archived_at.toISOString() ?? null;
  }

  /** Runs an admin action and its audit row in one transaction: both are stored, or neither. */
  transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }

  async roomExists(id: string): Promise<boolean> {
    return (await this.db.one(`SELECT 1 FROM rooms WHERE id = $1`, [id])) !== undefined;
  }

  async totals(): Promise<{ users: number; rooms: number; messages: number }> {
    const row = await this.db.one<{ users: string; rooms: string; messages: string }>(
      `SELECT (SELECT count(*) FROM users) AS users, (SELECT count(*) FROM rooms) AS rooms, (SELECT count(*) FROM messages) AS messages`,
    );
    if (!row) throw new Error('SELECT gave no row');
    return { users: Number(row.users), rooms: Number(row.rooms), messages: Number(row.messages) };
  }

  async audit(
    actorId: string,
    action: AuditAction,
    target: { type: AuditEntry['targetType']; id: string },
    details: Record<string, unknown>,
    sql: Sql = this.db,
  ): Promise<void> {
    await sql.affected(`INSERT INTO audit_log (actor_id, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5)`, [
      actorId,
      action,
      target.type,
      target.id,
      JSON.stringify(details),
    ]);
  }

  /** Newest first, after the `after` key, narrowed by `filter` (an actor's username, an action, a target id). */
  async auditEntries(
    filter: { actor?: string; action?: AuditAction; targetId?: string },
    limit: number,
    after: [string, string] | null,
  ): Promise<(AuditEntry & { key: [string, string] })[]> {
    const rows = await this.db.rows<{
      id: string;
      action: AuditAction;
      target_type: AuditEntry['targetType'];
      target_id: string;
      details: Record<string, unknown>;
      created_at: Date;
      created_key: string;
      actor_id: string | null;
      actor_username: string | null;
    }>(
      `SELECT a.id, a.action, a.target_type, a.target_id, a.details, a.created_at, a.created_at::text AS created_key, u.id AS actor_id, u.username AS actor_username
       FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
       WHERE ($1::timestamptz IS NULL OR (a.created_at, a.id) < ($1::timestamptz, $2::uuid))
         AND ($4::text IS NULL OR u.username = $4)
         AND ($5::text IS NULL OR a.action = $5)
         AND ($6::uuid IS NULL OR a.target_id = $6)
       ORDER BY a.created_at DESC, a.id DESC LIMIT $3`,
      [after?.[0] ?? null, after?.[1] ?? null, limit, filter.actor ?? null, filter.action ?? null, filter.targetId ?? null],
    );
    return rows.map((row) => ({
      id: row.id,
      actor: row.actor_id && row.actor_username ? { id: row.actor_id, username: row.actor_username } : null,
      action: row.action,
      targetType: row.target_type,
      targetId: row.target_id,
      details: row.details,
      createdAt: row.created_at.toISOString(),
      key: [row.created_key, row.id] as [string, string],
    }));
  }
}
