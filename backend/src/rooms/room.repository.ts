import { Injectable } from '@nestjs/common';
import type { Member, MemberRole, MessageSender, MyRoom, Room, RoomHead, RoomKind, RoomVisibility } from '@chat/contracts';
import { batchedLookup } from '../database/batched-lookup';
import { AppError } from '../common/app-error';
import { Database, Sql, escapeLike } from '../database/sql';
import type { RoomAccess } from './room-rules';

export interface RoomRow {
  id: string;
  name: string;
  topic: string;
  kind: RoomKind;
  visibility: RoomVisibility;
  created_at: Date;
  last_seq: string;
  last_activity_at: Date | null;
  archived_at: Date | null;
  member_count: string;
  /** A DM's other members, by display name (json, parsed by the driver); null for a channel. */
  people: MessageSender[] | null;
}

interface MyRoomRow extends RoomRow {
  my_role: MemberRole;
  last_read_seq: string;
  unread: string;
  mentions: string;
}

export const ROOM_COLUMNS = `
  r.id, r.name, r.topic, r.kind, r.visibility, r.created_at, r.last_seq, r.last_activity_at, r.archived_at,
  (SELECT count(*) FROM room_members c WHERE c.room_id = r.id) AS member_count`;

// The other members of a DM, as seen by :viewer.
const PEOPLE_COLUMN = (viewer: string) => `
  CASE WHEN r.kind = 'dm' THEN (
    SELECT coalesce(json_agg(json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name)
                             ORDER BY u.display_name, u.id), '[]'::json)
    FROM room_members p JOIN users u ON u.id = p.user_id
    WHERE p.room_id = r.id AND p.user_id <> ${viewer}
  ) END AS people`;

const MY_ROOM_SELECT = `
  SELECT ${ROOM_COLUMNS}, ${PEOPLE_COLUMN('m.user_id')}, m.role AS my_role, m.last_read_seq,
    (SELECT count(*) FROM messages x
      WHERE x.room_id = r.id AND x.seq > m.last_read_seq AND x.deleted_at IS NULL AND x.sender_id <> m.user_id
        AND x.thread_root_id IS NULL AND x.notice IS NULL) AS unread,
    (SELECT count(*) FROM messages x
      WHERE x.room_id = r.id AND x.seq > m.last_read_seq AND x.deleted_at IS NULL AND x.mentions @> ARRAY[m.user_id]) AS mentions
  FROM room_members m JOIN rooms r ON r.id = m.room_id`;

export function toRoom(row: RoomRow): Room {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    visibility: row.visibility,
    createdAt: row.created_at.toISOString(),
    lastSeq: Number(row.last_seq),
    memberCount: Number(row.member_count),
    archivedAt: row.archived_at?.toISOString() ?? null,
    lastActivityAt: row.last_activity_at?.toISOString() ?? null,
    // A DM of two names its other member; a group DM lists them all.
    peer: row.people?.length === 1 ? (row.people[0] ?? null) : null,
    ...(row.people ? { people: row.people } : {}),
    topic: row.topic,
  };
}

function toMyRoom(row: MyRoomRow): MyRoom {
  return {
    ...toRoom(row),
    lastReadSeq: Number(row.last_read_seq),
    unread: Number(row.unread),
    mentions: Number(row.mentions),
    myRole: row.my_role,
  };
}

/**
 * The room and the user's place in it, as the room rules judge them; with `lock`, the room row stays
 * locked until the caller's transaction ends (every timeline write takes this lock first).
 */
export async function readRoomAccess(sql: Sql, roomId: string, userId: string, lock: 'lock' | 'no-lock'): Promise<RoomAccess | null> {
  const row = await sql.one<{ kind: RoomKind; visibility: RoomVisibility; archived_at: Date | null; role: MemberRole | null }>(
    `SELECT r.kind, r.visibility, r.archived_at, m.role
     FROM rooms r LEFT JOIN room_members m ON m.room_id = r.id AND m.user_id = $2
     WHERE r.id = $1 ${lock === 'lock' ? 'FOR UPDATE OF r' : ''}`,
    [roomId, userId],
  );
  return row ? { kind: row.kind, visibility: row.visibility, archived: row.archived_at !== null, membership: row.role } : null;
}

/** Rooms and memberships; callers see contract shapes. */
@Injectable()
export class RoomRepository {
  constructor(private readonly db: Database) {}

  async createChannel(name: string, visibility: RoomVisibility, ownerId: string): Promise<string> {
    return this.db.transaction(async (tx) => {
      const room = await tx.one<{ id: string }>(
        `INSERT INTO rooms (name, kind, visibility, created_by) VALUES ($1, 'channel', $2, $3) RETURNING id`,
        [name, visibility, ownerId],
      );
      if (!room) throw new Error('INSERT … RETURNING gave no row');
      await tx.affected(`INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, 'owner')`, [room.id, ownerId]);
      return room.id;
    });
  }

  /**
   * The DM room of these people (a pair, or a group of up to LIMITS.dmMembersMax), created by `creator` on
   * first use; the same room for the same people whoever asks, concurrent callers included (the sorted ids
   * are the room's unique dm_key).
   */
  async findOrCreateDm(creator: string, memberIds: readonly string[]): Promise<{ roomId: string; created: boolean }> {
    const dmKey = [...new Set(memberIds)].sort().join(':');
    return this.db.transaction(async (tx) => {
      const inserted = await tx.one<{ id: string }>(
        `INSERT INTO rooms (name, kind, visibility, dm_key, created_by) VALUES ('', 'dm', 'private', $1, $2)
         ON CONFLICT (dm_key) DO NOTHING RETURNING id`,
        [dmKey, creator],
      );
      if (inserted) {
        await tx.affected(`INSERT INTO room_members (room_id, user_id, role) SELECT $1, u, 'member' FROM unnest($2::uuid[]) AS u`, [
          inserted.id,
          [...new Set(memberIds)],
        ]);
        return { roomId: inserted.id, created: true };
      }
      const existing = await tx.one<{ id: string }>(`SELECT id FROM rooms WHERE dm_key = $1`, [dmKey]);
      if (!existing) throw new Error(`DM room ${dmKey} vanished`);
      return { roomId: existing.id, created: false };
    });
  }

  async findRoom(roomId: string, sql: Sql = this.db): Promise<Room | null> {
    const row = await sql.one<RoomRow>(`SELECT ${ROOM_COLUMNS}, NULL AS people FROM rooms r WHERE r.id = $1`, [roomId]);
    return row ? toRoom(row) : null;
  }

  async findMyRoom(roomId: string, userId: string): Promise<MyRoom | null> {
    const row = await this.db.one<MyRoomRow>(`${MY_ROOM_SELECT} WHERE m.user_id = $1 AND m.room_id = $2`, [userId, roomId]);
    return row ? toMyRoom(row) : null;
  }

  async listMyRooms(userId: string): Promise<MyRoom[]> {
    const rows = await this.db.rows<MyRoomRow>(
      `${MY_ROOM_SELECT} WHERE m.user_id = $1 ORDER BY coalesce(r.last_activity_at, r.created_at) DESC, r.id`,
      [userId],
    );
    return rows.map(toMyRoom);
  }

  async listPublic(query: string, limit: number): Promise<Room[]> {
    const rows = await this.db.rows<RoomRow>(
      `SELECT ${ROOM_COLUMNS}, NULL AS people FROM rooms r
       WHERE r.kind = 'channel' AND r.visibility = 'public' AND r.archived_at IS NULL AND lower(r.name) LIKE $1
       ORDER BY coalesce(r.last_activity_at, r.created_at) DESC, r.id LIMIT $2`,
      [`%${escapeLike(query.trim().toLowerCase())}%`, limit],
    );
    return rows.map(toRoom);
  }

  /** The room and the user's place in it, for the room rules; null when the room does not exist. */
  access(roomId: string, userId: string): Promise<RoomAccess | null> {
    return readRoomAccess(this.db, roomId, userId, 'no-lock');
  }

  /**
   * Runs `work` in a transaction that holds the room row's lock (as every timeline write does), with the
   * user's access read under it: a membership change and the notice that records it commit together, in
   * seq order with the room's other events.
   */
  async changing<T>(roomId: string, userId: string, work: (tx: Sql, access: RoomAccess) => Promise<T>): Promise<T> {
    return this.db.transaction(async (tx) => {
      const access = await readRoomAccess(tx, roomId, userId, 'lock');
      if (!access) throw AppError.notFound('Room');
      return work(tx, access);
    });
  }

  async isMember(roomId: string, userId: string, sql: Sql = this.db): Promise<boolean> {
    return (await sql.one(`SELECT 1 FROM room_members WHERE room_id = $1 AND user_id = $2`, [roomId, userId])) !== undefined;
  }

  /** The member's role, or null when not a member. */
  async roleOf(roomId: string, userId: string, sql: Sql = this.db): Promise<MemberRole | null> {
    const row = await sql.one<{ role: MemberRole }>(`SELECT role FROM room_members WHERE room_id = $1 AND user_id = $2`, [roomId, userId]);
    return row?.role ?? null;
  }

  /** Makes `userId` the room's only owner; the owner before stays a member. */
  async transferOwner(roomId: string, userId: string, sql: Sql = this.db): Promise<void> {
    await sql.affected(`UPDATE room_members SET role = 'member' WHERE room_id = $1 AND role = 'owner'`, [roomId]);
    await sql.affected(`UPDATE room_members SET role = 'owner' WHERE room_id = $1 AND user_id = $2`, [roomId, userId]);
  }

  async updateSettings(roomId: string, settings: { name: string; topic: string }, sql: Sql = this.db): Promise<void> {
    await sql.affected(`UPDATE rooms SET name = $2, topic = $3 WHERE id = $1`, [roomId, settings.name, settings.topic]);
  }

  /** Adds a member; false when already one. The read mark starts at the room's head: history is not "unread". */
  async addMember(roomId: string, userId: string, role: MemberRole = 'member', sql: Sql = this.db): Promise<boolean> {
    const added = await sql.affected(
      `INSERT INTO room_members (room_id, user_id, role, last_read_seq)
       SELECT $1, $2, $3, r.last_seq FROM rooms r WHERE r.id = $1 ON CONFLICT DO NOTHING`,
      [roomId, userId, role],
    );
    return added > 0;
  }

  async memberCount(roomId: string, sql: Sql = this.db): Promise<number> {
    const row = await sql.one<{ n: string }>(`SELECT count(*) AS n FROM room_members WHERE room_id = $1`, [roomId]);
    return Number(row?.n ?? 0);
  }

  async removeMember(roomId: string, userId: string, sql: Sql = this.db): Promise<boolean> {
    return (await sql.affected(`DELETE FROM room_members WHERE room_id = $1 AND user_id = $2`, [roomId, userId])) > 0;
  }

  async members(roomId: string): Promise<Omit<Member, 'online'>[]> {
    const rows = await this.db.rows<{ id: string; username: string; display_name: string; role: MemberRole; joined_at: Date }>(
      `SELECT u.id, u.username, u.display_name, m.role, m.joined_at
       FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY u.username`,
      [roomId],
    );
    return rows.map((row) => ({
      id: row.id,
      userId: row.id,
      username: row.username,
      displayName: row.display_name,
      memberRole: row.role,
      joinedAt: row.joined_at.toISOString(),
    }));
  }

  /** Where each of the user's rooms stands (session:ready); concurrent calls share one query. */
  readonly heads: (userId: string) => Promise<RoomHead[]> = batchedLookup(async (userIds) => {
    const rows = await this.db.rows<{ user_id: string; id: string; last_seq: string; last_read_seq: string }>(
      `SELECT m.user_id, r.id, r.last_seq, m.last_read_seq FROM room_members m JOIN rooms r ON r.id = m.room_id
       WHERE m.user_id = ANY($1::uuid[])`,
      [userIds],
    );
    const heads = new Map<string, RoomHead[]>();
    for (const row of rows) {
      const head = { id: row.id, lastSeq: Number(row.last_seq), lastReadSeq: Number(row.last_read_seq) };
      const mine = heads.get(row.user_id);
      if (mine) mine.push(head);
      else heads.set(row.user_id, [head]);
    }
    return heads;
  }, []);

  /** The rooms of each user (presence announcements); concurrent calls share one query. */
  readonly roomIdsForUser: (userId: string) => Promise<string[]> = batchedLookup(async (userIds) => {
    const rows = await this.db.rows<{ user_id: string; room_id: string }>(
      `SELECT user_id, room_id FROM room_members WHERE user_id = ANY($1::uuid[])`,
      [userIds],
    );
    const rooms = new Map<string, string[]>();
    for (const row of rows) {
      const mine = rooms.get(row.user_id);
      if (mine) mine.push(row.room_id);
      else rooms.set(row.user_id, [row.room_id]);
    }
    return rooms;
  }, []);

  /** Moves the read mark forward (never back, never past the head); returns the mark now stored. */
  async markRead(roomId: string, userId: string, seq: number): Promise<number | null> {
    const row = await this.db.one<{ last_read_seq: string }>(
      `UPDATE room_members m SET last_read_seq = GREATEST(m.last_read_seq, LEAST($3::bigint, r.last_seq))
       FROM rooms r WHERE r.id = m.room_id AND m.room_id = $1 AND m.user_id = $2 RETURNING m.last_read_seq`,
      [roomId, userId, seq],
    );
    return row ? Number(row.last_read_seq) : null;
  }
}
