import { Injectable } from '@nestjs/common';
import { CreateRoomRequest, ErrorCode, LIMITS, Member, MyRoom, Room } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { Broadcaster } from '../realtime/broadcaster';
import { UserEntity } from '../users/user.entity';
import { UserRepository } from '../users/user.repository';
import { OnlineUsers } from './online-users';
import { RoomRepository } from './room.repository';

/** Room life cycle and membership rules; membership changes reach live sockets on every pod. */
@Injectable()
export class RoomsService {
  constructor(
    private readonly rooms: RoomRepository,
    private readonly users: UserRepository,
    private readonly broadcaster: Broadcaster,
    private readonly onlineUsers: OnlineUsers,
  ) {}

  async create(owner: UserEntity, request: CreateRoomRequest): Promise<MyRoom> {
    const name = request.name.trim();
    if (!name) throw AppError.validation([{ field: 'name', message: 'name must not be blank' }]);
    const roomId = await this.rooms.createChannel(name, request.visibility, owner.id);
    const room = await this.requireMyRoom(roomId, owner.id);
    this.broadcaster.memberAdded(owner.id, room);
    return room;
  }

  listMine(user: UserEntity): Promise<MyRoom[]> {
    return this.rooms.listMyRooms(user.id);
  }

  listPublic(query: string | undefined): Promise<Room[]> {
    return this.rooms.listPublic(query ?? '', LIMITS.adminPageMax);
  }

  async get(user: UserEntity, roomId: string): Promise<MyRoom> {
    const mine = await this.rooms.findMyRoom(roomId, user.id);
    if (mine) return mine;
    const room = await this.requireRoom(roomId);
    if (room.visibility === 'public' || user.role === 'admin') {
      return { ...room, lastReadSeq: 0, unread: 0, myRole: 'member' };
    }
    throw AppError.forbidden('You are not a member of this room');
  }

  async join(user: UserEntity, roomId: string): Promise<MyRoom> {
    const room = await this.requireRoom(roomId);
    if (room.kind !== 'channel' || room.visibility !== 'public') throw AppError.forbidden('Only public rooms can be joined');
    if (room.archivedAt) throw AppError.forbidden('This room is archived');
    return this.addAndAnnounce(roomId, user.id);
  }

  async leave(user: UserEntity, roomId: string): Promise<void> {
    const room = await this.requireRoom(roomId);
    if (room.kind === 'dm') throw AppError.forbidden('Direct messages cannot be left');
    if (!(await this.rooms.removeMember(roomId, user.id))) throw AppError.notFound('Membership');
    this.broadcaster.memberRemoved(user.id, roomId);
  }

  async addMember(actor: UserEntity, roomId: string, userId: string): Promise<Member> {
    const room = await this.requireRoom(roomId);
    if (room.kind !== 'channel') throw AppError.forbidden('Members cannot be added to a direct message');
    if (room.archivedAt) throw AppError.forbidden('This room is archived');
    const actorMembership = await this.rooms.membership(roomId, actor.id);
    if (actorMembership?.role !== 'owner' && actor.role !== 'admin') {
      throw AppError.forbidden('Only the room owner or an admin can add members');
    }
    const target = await this.users.findById(userId);
    if (!target || target.bannedAt) throw AppError.notFound('User');
    if (await this.rooms.membership(roomId, userId)) throw new AppError(ErrorCode.CONFLICT, 'Already a member');
    await this.addAndAnnounce(roomId, userId);
    const member = (await this.members(actor, roomId)).find((m) => m.id === userId);
    if (!member) throw AppError.notFound('Member');
    return member;
  }

  async members(viewer: UserEntity, roomId: string): Promise<Member[]> {
    const room = await this.requireRoom(roomId);
    const isMember = (await this.rooms.membership(roomId, viewer.id)) !== null;
    if (!isMember && room.visibility !== 'public' && viewer.role !== 'admin') {
      throw AppError.forbidden('You are not a member of this room');
    }
    const members = await this.rooms.members(roomId);
    const online = await this.onlineUsers.online(members.map((m) => m.id));
    return members.map((member) => ({ ...member, online: online.has(member.id) }));
  }

  async openDm(user: UserEntity, peerId: string): Promise<{ room: MyRoom; created: boolean }> {
    if (peerId === user.id) throw AppError.validation([{ field: 'userId', message: 'userId must be another user' }]);
    const peer = await this.users.findById(peerId);
    if (!peer || peer.bannedAt) throw AppError.notFound('User');
    const { roomId, created } = await this.rooms.findOrCreateDm(user.id, peerId);
    const room = await this.requireMyRoom(roomId, user.id);
    if (created) {
      this.broadcaster.memberAdded(user.id, room);
      this.broadcaster.memberAdded(peerId, await this.requireMyRoom(roomId, peerId));
    }
    return { room, created };
  }

  /** Moves the user's read mark (never back, never past the room's head) and tells the user's other sockets. */
  async markRead(userId: string, roomId: string, seq: number, fromSocketId: string): Promise<void> {
    const mark = await this.rooms.markRead(roomId, userId, seq);
    if (mark === null) {
      await this.requireRoom(roomId);
      throw AppError.forbidden('You are not a member of this room');
    }
    this.broadcaster.toUser(userId).except(fromSocketId).emit('room:read', { roomId, seq: mark });
  }

  private async addAndAnnounce(roomId: string, userId: string): Promise<MyRoom> {
    await this.rooms.addMember(roomId, userId);
    const room = await this.requireMyRoom(roomId, userId);
    this.broadcaster.memberAdded(userId, room);
    return room;
  }

  private async requireRoom(roomId: string): Promise<Room> {
    const room = await this.rooms.findRoom(roomId);
    if (!room) throw AppError.notFound('Room');
    return room;
  }

  private async requireMyRoom(roomId: string, userId: string): Promise<MyRoom> {
    const room = await this.rooms.findMyRoom(roomId, userId);
    if (!room) throw AppError.notFound('Room');
    return room;
  }
}
