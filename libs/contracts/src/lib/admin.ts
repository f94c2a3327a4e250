import type { Room, User } from './models';
import type { UserSearchQuery } from './rest';

// Administration (role admin). Lists page by cursor: `{ items, nextCursor }`.

/** `query` and `limit` as in user search, plus the cursor of the page before. */
export interface AdminListQuery extends UserSearchQuery {
  /** Opaque: the `nextCursor` of the previous page. */
  cursor?: string;
}

export interface BanRequest {
  reason: string;
}

export interface AdminUser extends User {
  createdAt: string;
  bannedAt: string | null;
  banReason: string | null;
}

export interface AdminRoom extends Room {
  createdBy: string | null;
}

export interface PodStats {
  podId: string;
  connections: number;
  startedAt: string;
}

export interface AdminStats {
  pods: PodStats[];
  totals: { connections: number; users: number; rooms: number; messages: number };
  /** New messages per second over the last minute, whole fleet. */
  messagesPerSecond: number;
  /**
   * With Kafka on: sends in `<prefix>ingest` not yet stored by the writers, in total and per partition
   * (`lag` null when the broker did not answer).
   */
  ingest?: { lag: number | null; partitions: { partition: number; lag: number }[] };
}

export const AUDIT_ACTIONS = ['user.ban', 'user.unban', 'message.delete', 'room.archive'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** `GET /api/admin/audit`: the admin list's paging, narrowed by who did what to which target (all optional). */
export interface AuditQuery {
  limit?: number;
  cursor?: string;
  /** Username of the admin who acted (exact, case-insensitive). */
  actor?: string;
  action?: AuditAction;
  /** Id of the user, message or room acted on. */
  targetId?: string;
}

export interface AuditEntry {
  id: string;
  actor: { id: string; username: string } | null;
  action: AuditAction;
  targetType: 'user' | 'message' | 'room';
  targetId: string;
  details: Record<string, unknown>;
  createdAt: string;
}
