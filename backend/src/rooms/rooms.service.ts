import { Injectable } from '@nestjs/common';
import { CreateRoomRequest, LIMITS, Member, MyRoom, Room } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import { Broadcaster } from '../realtime/broadcaster';
import { UserRepository } from '../users/user.repository';
import { OnlineUsers } from './online-users';
import { RoomAccess, RoomRules, enforce } from './room-rules';
import { RoomRepository } from './room.repository';

/** Room life cycle and membership; membership changes reach live sockets on every pod. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly users: UserRepository,
    private readonly broadcaster: Broadcaster,
    private readonly onlineUsers: OnlineUsers,
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

  async join(actor: Actor, roomId: string): Promise<MyRoom> {
    enforce(RoomRules.canJoin(await this.requireAccess(roomId, actor)));
    return this.addAndAnnounce(roomId, actor.id);
  }

  async leave(actor: Actor, roomId: string): Promise<void> {
    enforce(RoomRules.canLeave(await this.requireAccess(roomId, actor)));
    if (!(await this.rooms.removeMember(roomId, actor.id))) throw AppError.notFound('Membership');
    await this.broadcaster.memberRemoved(actor.id, roomId, await this.rooms.memberCount(roomId));
  }

  async addMember(actor: Actor, roomId: string, userId: string): Promise<Member> {
    enforce(RoomRules.canAddMember(actor, await this.requireAccess(roomId, actor)));
    const target = await this.users.findById(userId);
    if (!target || target.bannedAt) throw AppError.notFound('User');
    if (await this.rooms.isMember(roomId, userId)) throw AppError.conflict('Already a member');
    await this.addAndAnnounce(roomId, userId);
    const member = (await this.members(actor, roomId)).find((m) => m.id === userId);
    if (!member) throw AppError.notFound('Member');
    return member;
  }

  async members(actor: Actor, roomId: string): Promise<Member[]> {
    enforce(RoomRules.canView(actor, await this.requireAccess(roomId, actor)));
    const members = await this.rooms.members(roomId);
    const online = await this.onlineUsers.online(members.map((m) => m.id));
    return members.map((member) => ({ ...member, online: online.has(member.id) }));
  }

  async openDm(actor: Actor, peerId: string): Promise<{ room: MyRoom; created: boolean }> {
    if (peerId === actor.id) throw AppError.validation([{ field: 'userId', message: 'userId must be another user' }]);
    const peer = await this.users.findById(peerId);
    if (!peer || peer.bannedAt) throw AppError.notFound('User');
    const { roomId, created } = await this.rooms.findOrCreateDm(actor.id, peerId);
    const room = await this.requireMyRoom(roomId, actor.id);
    if (created) {
      const peerRoom = await this.requireMyRoom(roomId, peerId);
      await Promise.all([this.broadcaster.memberAdded(actor.id, room), this.broadcaster.memberAdded(peerId, peerRoom)]);
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

  private async addAndAnnounce(roomId: string, userId: string): Promise<MyRoom> {
    await this.rooms.addMember(roomId, userId);
    const room = await this.requireMyRoom(roomId, userId);
    await this.broadcaster.memberAdded(userId, room);
    return room;
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
