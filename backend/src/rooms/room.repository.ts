import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Member, MemberRole, MessageSender, MyRoom, Room, RoomHead, RoomKind, RoomVisibility } from '@chat/contracts';

export interface RoomRow {
  id: string;
  name: string;
  kind: RoomKind;
  visibility: RoomVisibility;
  created_at: Date;
  last_seq: string;
  last_activity_at: Date | null;
  archived_at: Date | null;
  member_count: string;
  peer: MessageSender | null;
}

interface MyRoomRow extends RoomRow {
  my_role: MemberRole;
  last_read_seq: string;
  unread: string;
}

export interface Membership {
  role: MemberRole;
  lastReadSeq: number;
}

export const ROOM_COLUMNS = `
  r.id, r.name, r.kind, r.visibility, r.created_at, r.last_seq, r.last_activity_at, r.archived_at,
  (SELECT count(*) FROM room_members c WHERE c.room_id = r.id) AS member_count`;

// The other member of a DM, as seen by :viewer.
const PEER_COLUMN = (viewer: string) => `
  CASE WHEN r.kind = 'dm' THEN (
    SELECT json_build_object('id', u.id, 'username', u.username, 'displayName', u.display_name)
    FROM room_members p JOIN users u ON u.id = p.user_id
    WHERE p.room_id = r.id AND p.user_id <> ${viewer} LIMIT 1
  ) END AS peer`;

const MY_ROOM_SELECT = `
  SELECT ${ROOM_COLUMNS}, ${PEER_COLUMN('m.user_id')}, m.role AS my_role, m.last_read_seq,
    (SELECT count(*) FROM messages x
      WHERE x.room_id = r.id AND x.seq > m.last_read_seq AND x.deleted_at IS NULL AND x.sender_id <> m.user_id) AS unread
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
    peer: row.peer ?? null,
  };
}

function toMyRoom(row: MyRoomRow): MyRoom {
  return { ...toRoom(row), lastReadSeq: Number(row.last_read_seq), unread: Number(row.unread), myRole: row.my_role };
}

/** Rooms and memberships. Queries are SQL through TypeORM's data source; callers see contract shapes. */
@Injectable()
export class RoomRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async createChannel(name: string, visibility: RoomVisibility, ownerId: string): Promise<string> {
    return this.db.transaction(async (manager) => {
      const [room] = (await manager.query(
        `INSERT INTO rooms (name, kind, visibility, created_by) VALUES ($1, 'channel', $2, $3) RETURNING id`,
        [name, visibility, ownerId],
      )) as { id: string }[];
      await manager.query(`INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, 'owner')`, [room.id, ownerId]);
      return room.id;
    });
  }

  /** The DM room of a pair, created on first use; concurrent callers get the same room. */
  async findOrCreateDm(userA: string, userB: string): Promise<{ roomId: string; created: boolean }> {
    const dmKey = [userA, userB].sort().join(':');
    return this.db.transaction(async (manager) => {
      const inserted = (await manager.query(
        `INSERT INTO rooms (name, kind, visibility, dm_key, created_by) VALUES ('', 'dm', 'private', $1, $2)
         ON CONFLICT (dm_key) DO NOTHING RETURNING id`,
        [dmKey, userA],
      )) as { id: string }[];
      if (inserted.length) {
        await manager.query(`INSERT INTO room_members (room_id, user_id, role) VALUES ($1, $2, 'member'), ($1, $3, 'member')`, [
          inserted[0].id,
          userA,
          userB,
        ]);
        return { roomId: inserted[0].id, created: true };
      }
      const [existing] = (await manager.query(`SELECT id FROM rooms WHERE dm_key = $1`, [dmKey])) as { id: string }[];
      return { roomId: existing.id, created: false };
    });
  }

  async findRoom(roomId: string): Promise<Room | null> {
    const rows = (await this.db.query(`SELECT ${ROOM_COLUMNS}, NULL AS peer FROM rooms r WHERE r.id = $1`, [roomId])) as RoomRow[];
    return rows[0] ? toRoom(rows[0]) : null;
  }

  async findMyRoom(roomId: string, userId: string): Promise<MyRoom | null> {
    const rows = (await this.db.query(`${MY_ROOM_SELECT} WHERE m.user_id = $1 AND m.room_id = $2`, [userId, roomId])) as MyRoomRow[];
    return rows[0] ? toMyRoom(rows[0]) : null;
  }

  async listMyRooms(userId: string): Promise<MyRoom[]> {
    const rows = (await this.db.query(
      `${MY_ROOM_SELECT} WHERE m.user_id = $1 ORDER BY coalesce(r.last_activity_at, r.created_at) DESC, r.id`,
      [userId],
    )) as MyRoomRow[];
    return rows.map(toMyRoom);
  }

  async listPublic(query: string, limit: number): Promise<Room[]> {
    const term = query
      .trim()
      .toLowerCase()
      .replace(/[\\%_]/g, (c) => `\\${c}`);
    const rows = (await this.db.query(
      `SELECT ${ROOM_COLUMNS}, NULL AS peer FROM rooms r
       WHERE r.kind = 'channel' AND r.visibility = 'public' AND r.archived_at IS NULL AND lower(r.name) LIKE $1
       ORDER BY coalesce(r.last_activity_at, r.created_at) DESC, r.id LIMIT $2`,
      [`%${term}%`, limit],
    )) as RoomRow[];
    return rows.map(toRoom);
  }

  async membership(roomId: string, userId: string): Promise<Membership | null> {
    const rows = (await this.db.query(`SELECT role, last_read_seq FROM room_members WHERE room_id = $1 AND user_id = $2`, [
      roomId,
      userId,
    ])) as { role: MemberRole; last_read_seq: string }[];
    return rows[0] ? { role: rows[0].role, lastReadSeq: Number(rows[0].last_read_seq) } : null;
  }

  /** Adds a member; false when already one. The read mark starts at the room's head: history is not "unread". */
  async addMember(roomId: string, userId: string, role: MemberRole = 'member'): Promise<boolean> {
    const rows = (await this.db.query(
      `INSERT INTO room_members (room_id, user_id, role, last_read_seq)
       SELECT $1, $2, $3, r.last_seq FROM rooms r WHERE r.id = $1 ON CONFLICT DO NOTHING RETURNING user_id`,
      [roomId, userId, role],
    )) as unknown[];
    return rows.length > 0;
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    const [, affected] = (await this.db.query(`DELETE FROM room_members WHERE room_id = $1 AND user_id = $2`, [roomId, userId])) as [
      unknown,
      number,
    ];
    return affected > 0;
  }

  async members(roomId: string): Promise<Omit<Member, 'online'>[]> {
    const rows = (await this.db.query(
      `SELECT u.id, u.username, u.display_name, m.role, m.joined_at
       FROM room_members m JOIN users u ON u.id = m.user_id WHERE m.room_id = $1 ORDER BY u.username`,
      [roomId],
    )) as { id: string; username: string; display_name: string; role: MemberRole; joined_at: Date }[];
    return rows.map((row) => ({
      id: row.id,
      userId: row.id,
      username: row.username,
      displayName: row.display_name,
      memberRole: row.role,
      joinedAt: row.joined_at.toISOString(),
    }));
  }

  async heads(userId: string): Promise<RoomHead[]> {
    const rows = (await this.db.query(
      `SELECT r.id, r.last_seq, m.last_read_seq FROM room_members m JOIN rooms r ON r.id = m.room_id WHERE m.user_id = $1`,
      [userId],
    )) as { id: string; last_seq: string; last_read_seq: string }[];
    return rows.map((row) => ({ id: row.id, lastSeq: Number(row.last_seq), lastReadSeq: Number(row.last_read_seq) }));
  }

  async roomIdsForUser(userId: string): Promise<string[]> {
    const rows = (await this.db.query(`SELECT room_id FROM room_members WHERE user_id = $1`, [userId])) as { room_id: string }[];
    return rows.map((row) => row.room_id);
  }

  /** Moves the read mark forward (never back, never past the head); returns the mark now stored. */
  async markRead(roomId: string, userId: string, seq: number): Promise<number | null> {
    // node-postgres through TypeORM answers UPDATE with [rows, rowCount].
    const [rows] = (await this.db.query(
      `UPDATE room_members m SET last_read_seq = GREATEST(m.last_read_seq, LEAST($3::bigint, r.last_seq))
       FROM rooms r WHERE r.id = m.room_id AND m.room_id = $1 AND m.user_id = $2 RETURNING m.last_read_seq`,
      [roomId, userId, seq],
    )) as [{ last_read_seq: string }[], number];
    return rows[0] ? Number(rows[0].last_read_seq) : null;
  }
}
