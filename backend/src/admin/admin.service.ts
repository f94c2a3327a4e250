import { Injectable } from '@nestjs/common';
import { AdminRoom, AdminStats, AdminUser, AuditEntry, AuditQuery, CursorPage, LIMITS } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { decodeCursor, encodeCursor } from '../common/cursor';
import { KafkaClients } from '../kafka/kafka-clients';
import { MessagesService } from '../messages/messages.service';
import { Broadcaster } from '../realtime/broadcaster';
import { PodRegistry } from '../presence/pod-registry';
import type { Actor } from '../auth/actor';
import { UserRepository } from '../users/user.repository';
import { AdminRepository } from './admin.repository';

const STATS_KAFKA_TIMEOUT_MS = 2_000;

function page<T extends { key: [string, string] }>(rows: T[], limit: number): CursorPage<Omit<T, 'key'>> {
  const items = rows.slice(0, limit).map((row) => {
    const item: Omit<T, 'key'> & { key?: unknown } = { ...row };
    delete item.key;
    return item;
  });
  const last = rows[limit - 1];
  return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.key) : null };
}

function pairCursor(cursor: string | undefined): [string, string] | null {
  const key = decodeCursor(cursor, 2);
  if (cursor && !key) throw AppError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
  return key ? [String(key[0]), String(key[1])] : null;
}

/** Moderation and visibility for admins. Every action is written to the audit log, in the action's transaction. */
@Injectable()
export class AdminService {
  constructor(
    private readonly admin: AdminRepository,
    private readonly accounts: UserRepository,
    private readonly pods: PodRegistry,
    private readonly broadcaster: Broadcaster,
    private readonly messages: MessagesService,
    private readonly kafka: KafkaClients,
  ) {}

  async stats(): Promise<AdminStats> {
    const [pods, totals, ingest] = await Promise.all([this.pods.live(), this.admin.totals(), this.ingestLag()]);
    // This pod's own numbers are fresher than its last heartbeat.
    const self = this.pods.self();
    const merged = [...pods.filter((pod) => pod.podId !== self.podId), self].sort((a, b) => a.podId.localeCompare(b.podId));
    const connections = merged.reduce((sum, pod) => sum + pod.connections, 0);
    const lastMinute = merged.reduce((sum, pod) => sum + pod.messagesLastMinute, 0);
    return {
      pods: merged.map(({ podId, connections: podConnections, startedAt }) => ({ podId, connections: podConnections, startedAt })),
      totals: { connections, ...totals },
      messagesPerSecond: Math.round((lastMinute / 60) * 100) / 100,
      ...(ingest ? { ingest } : {}),
    };
  }

  /** The ingest writers' lag with Kafka on (null lag when the broker does not answer); undefined without Kafka. */
  private async ingestLag(): Promise<AdminStats['ingest']> {
    if (!this.kafka.enabled) return undefined;
    try {
      const lag = await this.kafka.ingestLag(STATS_KAFKA_TIMEOUT_MS);
      return { lag: lag.total, partitions: lag.partitions };
    } catch {
      return { lag: null, partitions: [] };
    }
  }

  async users(query: string | undefined, limit: number | undefined, cursor: string | undefined): Promise<CursorPage<AdminUser>> {
    const size = limit ?? LIMITS.adminPageDefault;
    const after = decodeCursor(cursor, 1);
    if (cursor && !after) throw AppError.validation([{ field: 'cursor', message: 'cursor is not valid' }]);
    const rows = await this.admin.users(query ?? '', size + 1, after ? String(after[0]) : null);
    const items = rows.slice(0, size);
    return { items, nextCursor: rows.length > size ? encodeCursor([items[items.length - 1].username]) : null };
  }

  async ban(actor: Actor, userId: string, reason: string): Promise<AdminUser> {
    const target = await this.requireUser(userId);
    if (target.id === actor.id) throw AppError.forbidden('You cannot ban yourself');
    if (target.role === 'admin') throw AppError.forbidden('Admins cannot be banned');
    await this.admin.transaction(async (tx) => {
      await this.accounts.ban(userId, reason, tx);
      await this.admin.audit(actor.id, 'user.ban', { type: 'user', id: userId }, { reason }, tx);
    });
    this.broadcaster.closeUserSessions(userId, 'BANNED', `Your account was banned: ${reason}`);
    return this.requireUser(userId);
  }

  async unban(actor: Actor, userId: string): Promise<AdminUser> {
    const target = await this.requireUser(userId);
    if (!target.bannedAt) throw AppError.conflict('This user is not banned');
    await this.admin.transaction(async (tx) => {
      await this.accounts.unban(userId, tx);
      await this.admin.audit(actor.id, 'user.unban', { type: 'user', id: userId }, {}, tx);
    });
    return this.requireUser(userId);
  }

  async deleteMessage(actor: Actor, messageId: string): Promise<void> {
    await this.messages.delete(actor, messageId, (tx, deleted) =>
      this.admin.audit(actor.id, 'message.delete', { type: 'message', id: messageId }, { alreadyDeleted: deleted === null }, tx),
    );
  }

  async rooms(query: string | undefined, limit: number | undefined, cursor: string | undefined): Promise<CursorPage<AdminRoom>> {
    const size = limit ?? LIMITS.adminPageDefault;
    return page(await this.admin.rooms(query ?? '', size + 1, pairCursor(cursor)), size);
  }

  async archiveRoom(actor: Actor, roomId: string): Promise<void> {
    const archivedAt = await this.admin.transaction(async (tx) => {
      const at = await this.admin.archiveRoom(roomId, tx);
      if (at) await this.admin.audit(actor.id, 'room.archive', { type: 'room', id: roomId }, {}, tx);
      return at;
    });
    if (!archivedAt) {
      if (!(await this.admin.roomExists(roomId))) throw AppError.notFound('Room');
      throw AppError.conflict('This room is archived already');
    }
    this.broadcaster.toRoom(roomId).emit('room:archived', { roomId, archivedAt });
  }

  async audit({ limit, cursor, actor, action, targetId }: AuditQuery): Promise<CursorPage<AuditEntry>> {
    const size = limit ?? LIMITS.adminPageDefault;
    const filter = { actor: actor?.trim().toLowerCase(), action, targetId };
    return page(await this.admin.auditEntries(filter, size + 1, pairCursor(cursor)), size);
  }

  private async requireUser(userId: string): Promise<AdminUser> {
    const user = await this.admin.user(userId);
    if (!user) throw AppError.notFound('User');
    return user;
  }
}
