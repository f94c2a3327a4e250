import { Injectable } from '@nestjs/common';
import { CreateDmRequest, CreateRoomRequest, LIMITS, Member, Message, MyRoom, Room, RoomNotice, UpdateRoomRequest } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import type { Sql } from '../database/sql';
import { Broadcaster } from '../realtime/broadcaster';
import { TimelineEvents } from '../timeline/timeline-events';
import { TimelineRelay } from '../timeline/timeline-relay';
import { toSender } from '../users/user.mapper';
import { UserRepository } from '../users/user.repository';
import { OnlineUsers } from './online-users';
import { RoomAccess, RoomRules, enforce } from './room-rules';
import { RoomRepository } from './room.repository';

/**
 * Room life cycle, membership and settings. Membership changes reach live sockets on every pod. Each
 * change of a channel's membership or settings is recorded as a room notice (Message.notice), written
 * under the room row's lock in the change's own transaction: the room's timeline shows who joined, left,
 * was added or removed, and every rename, topic and owner change, in seq order with the messages.
 */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly users: UserRepository,
    private readonly broadcaster: Broadcaster,
    private readonly onlineUsers: OnlineUsers,
    private readonly events: TimelineEvents,
    private readonly relay: TimelineRelay,
  ) {}

  async create(owner: Actor, request: CreateRoomRequest): Promise<MyRoom> {
    const name = request.name.trim();
    if (!name) throw AppError.validation([{ field: 'name', message: 'name must not be blank' }]);
    const roomId = await this.rooms.createChannel(name, request.visibility, owner.id);
    const room = await this.requireMyRoom(roomId, owner.id);
    await this.broadcaster.memberAdded(owner.id, room);
    return room;
  }

  listMine(actor: Actor): Promise<MyRoom[]> {
    return this.rooms.listMyRooms(actor.id);
  }

  listPublic(query: string | undefined): Promise<Room[]> {
    return this.rooms.listPublic(query ?? '', LIMITS.adminPageMax);
  }

  async get(actor: Actor, roomId: string): Promise<MyRoom> {
    const mine = await this.rooms.findMyRoom(roomId, actor.id);
    if (mine) return mine;
    enforce(RoomRules.canView(actor, await this.requireAccess(roomId, actor)));
    const room = await this.rooms.findRoom(roomId);
    if (!room) throw AppError.notFound('Room');
    return { ...room, lastReadSeq: 0, unread: 0, mentions: 0, myRole: 'member' };
  }

  /** Joining a public channel: a `joined` notice, unless already a member. */
  async join(actor: Actor, roomId: string): Promise<MyRoom> {
    const notice = await this.rooms.changing(roomId, actor.id, async (tx, access) => {
      enforce(RoomRules.canJoin(access));
      if (access.membership) return null;
      return this.withNotice(tx, roomId, actor, { type: 'joined' }, () => this.rooms.addMember(roomId, actor.id, 'member', tx));
    });
    const room = await this.requireMyRoom(roomId, actor.id);
    await this.broadcaster.memberAdded(actor.id, room);
    this.announce(notice);
    return room;
  }

  /**
   * Leaving a channel, its owner only as its last member (RoomRules.canLeave), judged under the room's
   * lock: a `left` notice, unless the room is archived (it takes no new events).
   */
  async leave(actor: Actor, roomId: string): Promise<void> {
    const { notice, memberCount } = await this.rooms.changing(roomId, actor.id, async (tx, access) => {
      const count = await this.rooms.memberCount(roomId, tx);
      enforce(RoomRules.canLeave(access, count));
      const remove = () => this.rooms.removeMember(roomId, actor.id, tx);
      const left = access.archived ? (await remove(), null) : await this.withNotice(tx, roomId, actor, { type: 'left' }, remove);
      return { notice: left, memberCount: count - 1 };
    });
    await this.broadcaster.memberRemoved(actor.id, roomId, memberCount);
    this.announce(notice);
  }

  /** The owner or an admin adds someone to a channel: an `added` notice. */
  async addMember(actor: Actor, roomId: string, userId: string): Promise<Member> {
    const target = await this.users.findById(userId);
    const notice = await this.rooms.changing(roomId, actor.id, async (tx, access) => {
      enforce(RoomRules.canAddMember(actor, access));
      if (!target || target.bannedAt) throw AppError.notFound('User');
      if (await this.rooms.isMember(roomId, userId, tx)) throw AppError.conflict('Already a member');
      return this.withNotice(tx, roomId, actor, { type: 'added', user: toSender(target) }, () =>
        this.rooms.addMember(roomId, userId, 'member', tx),
      );
    });
    await this.broadcaster.memberAdded(userId, await this.requireMyRoom(roomId, userId));
    this.announce(notice);
    const member = (await this.members(actor, roomId)).find((m) => m.id === userId);
    if (!member) throw AppError.notFound('Member');
    return member;
  }

  /** The owner or an admin removes a member (not the owner: hand the room over first): a `removed` notice. */
  async removeMember(actor: Actor, roomId: string, userId: string): Promise<void> {
    const target = await this.users.findById(userId);
    const { notice, memberCount } = await this.rooms.changing(roomId, actor.id, async (tx, access) => {
      enforce(RoomRules.canManage(actor, access));
      const role = target ? await this.rooms.roleOf(roomId, userId, tx) : null;
      if (!target || !role) throw AppError.notFound('Member');
      if (role === 'owner') throw AppError.conflict('The owner cannot be removed; make another member the owner first');
      const notice = await this.withNotice(tx, roomId, actor, { type: 'removed', user: toSender(target) }, () =>
        this.rooms.removeMember(roomId, userId, tx),
      );
      return { notice, memberCount: await this.rooms.memberCount(roomId, tx) };
    });
    await this.broadcaster.memberRemoved(userId, roomId, memberCount);
    this.announce(notice);
  }

  /** Renames the channel and/or sets its topic (the owner or an admin): a notice for each field that changed. */
  async update(actor: Actor, roomId: string, request: UpdateRoomRequest): Promise<Room> {
    const name = request.name?.trim();
    const topic = request.topic?.trim();
    if (name === undefined && topic === undefined) {
      throw AppError.validation([{ field: 'name', message: 'name or topic must be given' }]);
    }
    if (name === '') throw AppError.validation([{ field: 'name', message: 'name must not be blank' }]);
    const notices = await this.rooms.changing(roomId, actor.id, async (tx, access) => {
      enforce(RoomRules.canManage(actor, access));
      const room = await this.rooms.findRoom(roomId, tx);
      if (!room) throw AppError.notFound('Room');
      const changes: RoomNotice[] = [];
      if (name !== undefined && name !== room.name) changes.push({ type: 'renamed', name });
      if (topic !== undefined && topic !== room.topic) changes.push({ type: 'topic', topic });
      if (changes.length === 0) return [];
      await this.rooms.updateSettings(roomId, { name: name ?? room.name, topic: topic ?? room.topic ?? '' }, tx);
      const written: Message[] = [];
      for (const change of changes) written.push(await this.events.notice(tx, roomId, toSender(actor), change));
      return written;
    });
    for (const notice of notices) this.announce(notice);
    return this.get(actor, roomId);
  }

  /** Makes a member the channel's owner (the owner or an admin); the owner before stays a member: an `owner` notice. */
  async transferOwner(actor: Actor, roomId: string, userId: string): Promise<Room> {
    const target = await this.users.findById(userId);
    const notice = await this.rooms.changing(roomId, actor.id, async (tx, access) => {
      enforce(RoomRules.canManage(actor, access));
      const role = target ? await this.rooms.roleOf(roomId, userId, tx) : null;
      if (!target || !role) throw AppError.notFound('Member');
      if (role === 'owner') return null;
      return this.withNotice(tx, roomId, actor, { type: 'owner', user: toSender(target) }, () =>
        this.rooms.transferOwner(roomId, userId, tx),
      );
    });
    this.announce(notice);
    return this.get(actor, roomId);
  }

  async members(actor: Actor, roomId: string): Promise<Member[]> {
    enforce(RoomRules.canView(actor, await this.requireAccess(roomId, actor)));
    const members = await this.rooms.members(roomId);
    const online = await this.onlineUsers.online(members.map((m) => m.id));
    return members.map((member) => ({ ...member, online: online.has(member.id) }));
  }

  /**
   * The DM of me and `userId` (a pair), or of me and `userIds` (a group DM of up to LIMITS.dmMembersMax):
   * one room per set of people, created on first use, when every member learns of it.
   */
  async openDm(actor: Actor, request: CreateDmRequest): Promise<{ room: MyRoom; created: boolean }> {
    if (request.userId !== undefined && request.userIds !== undefined) {
      throw AppError.validation([{ field: 'userIds', message: 'give userId or userIds, not both' }]);
    }
    const field = request.userIds ? 'userIds' : 'userId';
    const others = request.userIds ?? (request.userId ? [request.userId] : []);
    if (others.length === 0) throw AppError.validation([{ field: 'userId', message: 'userId must be given' }]);
    if (others.includes(actor.id)) throw AppError.validation([{ field, message: `${field} must name other users` }]);
    const people = await Promise.all(others.map((id) => this.users.findById(id)));
    if (people.some((person) => !person || person.bannedAt)) throw AppError.notFound('User');
    const { roomId, created } = await this.rooms.findOrCreateDm(actor.id, [actor.id, ...others]);
    const room = await this.requireMyRoom(roomId, actor.id);
    if (created) {
      const rooms = await Promise.all(others.map((id) => this.requireMyRoom(roomId, id)));
      await Promise.all([
        this.broadcaster.memberAdded(actor.id, room),
        ...others.map((id, i) => this.broadcaster.memberAdded(id, rooms[i] as MyRoom)),
      ]);
    }
    return { room, created };
  }

  /** Moves the actor's read mark (never back, never past the room's head) and tells their other sockets. */
  async markRead(actor: Actor, roomId: string, seq: number, fromSocketId: string): Promise<void> {
    const mark = await this.rooms.markRead(roomId, actor.id, seq);
    if (mark === null) {
      await this.requireAccess(roomId, actor);
      throw AppError.notMember();
    }
    this.broadcaster.toUser(actor.id).except(fromSocketId).emit('room:read', { roomId, seq: mark });
  }

  /** The notice as the room's next event, then the change it records (a new member's read mark then covers it). */
  private async withNotice(tx: Sql, roomId: string, actor: Actor, notice: RoomNotice, change: () => Promise<unknown>): Promise<Message> {
    const written = await this.events.notice(tx, roomId, toSender(actor), notice);
    await change();
    return written;
  }

  /** A committed notice reaches the room's members on every pod, and the Kafka timeline. */
  private announce(notice: Message | null): void {
    if (!notice) return;
    this.relay.nudge();
    this.broadcaster.toRoom(notice.roomId).emit('message:new', { message: notice });
  }

  private async requireAccess(roomId: string, actor: Actor): Promise<RoomAccess> {
    const access = await this.rooms.access(roomId, actor.id);
    if (!access) throw AppError.notFound('Room');
    return access;
  }

  private async requireMyRoom(roomId: string, userId: string): Promise<MyRoom> {
    const room = await this.rooms.findMyRoom(roomId, userId);
    if (!room) throw AppError.notFound('Room');
    return room;
  }
}
