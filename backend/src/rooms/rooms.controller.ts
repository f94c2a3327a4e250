import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Member, MyRoom, Room } from '@chat/contracts';
import {
  AddMemberRequest,
  CreateDmRequest,
  CreateRoomRequest,
  PublicRoomsQuery,
  TransferOwnerRequest,
  UpdateRoomRequest,
} from '@chat/contracts/validation';
import { CurrentUser } from '../common/route-access';
import { UuidParam } from '../common/uuid-param';
import type { Actor } from '../auth/actor';
import { RoomsService } from './rooms.service';

const RoomId = () => UuidParam('id');

@ApiTags('rooms')
@ApiBearerAuth()
@Controller()
export class RoomsController {
  constructor(private readonly rooms: RoomsService) {}

  @Post('rooms')
  create(@CurrentUser() actor: Actor, @Body() body: CreateRoomRequest): Promise<MyRoom> {
    return this.rooms.create(actor, body);
  }

  @Get('rooms')
  mine(@CurrentUser() actor: Actor): Promise<MyRoom[]> {
    return this.rooms.listMine(actor);
  }

  @Get('rooms/public')
  browse(@Query() query: PublicRoomsQuery): Promise<Room[]> {
    return this.rooms.listPublic(query.query);
  }

  @Get('rooms/:id')
  get(@CurrentUser() actor: Actor, @RoomId() id: string): Promise<MyRoom> {
    return this.rooms.get(actor, id);
  }

  /** Rename and/or set the topic (the owner or an admin); each change is a room notice. */
  @Patch('rooms/:id')
  update(@CurrentUser() actor: Actor, @RoomId() id: string, @Body() body: UpdateRoomRequest): Promise<Room> {
    return this.rooms.update(actor, id, body);
  }

  /** Make a member the owner (the owner or an admin); the owner before stays a member. */
  @Post('rooms/:id/owner')
  @HttpCode(200)
  transferOwner(@CurrentUser() actor: Actor, @RoomId() id: string, @Body() body: TransferOwnerRequest): Promise<Room> {
    return this.rooms.transferOwner(actor, id, body.userId);
  }

  @Post('rooms/:id/join')
  @HttpCode(200)
  join(@CurrentUser() actor: Actor, @RoomId() id: string): Promise<MyRoom> {
    return this.rooms.join(actor, id);
  }

  @Post('rooms/:id/leave')
  @HttpCode(204)
  leave(@CurrentUser() actor: Actor, @RoomId() id: string): Promise<void> {
    return this.rooms.leave(actor, id);
  }

  @Post('rooms/:id/members')
  addMember(@CurrentUser() actor: Actor, @RoomId() id: string, @Body() body: AddMemberRequest): Promise<Member> {
    return this.rooms.addMember(actor, id, body.userId);
  }

  /** Remove a member (the owner or an admin; not the owner). */
  @Delete('rooms/:id/members/:userId')
  @HttpCode(204)
  removeMember(@CurrentUser() actor: Actor, @RoomId() id: string, @UuidParam('userId') userId: string): Promise<void> {
    return this.rooms.removeMember(actor, id, userId);
  }

  @Get('rooms/:id/members')
  members(@CurrentUser() actor: Actor, @RoomId() id: string): Promise<Member[]> {
    return this.rooms.members(actor, id);
  }

  /** 201 when the DM room was created now, 200 when it already existed; the same room either way (a pair, or a group with userIds). */
  @Post('dms')
  async dm(@CurrentUser() actor: Actor, @Body() body: CreateDmRequest, @Res({ passthrough: true }) response: Response): Promise<MyRoom> {
    const { room, created } = await this.rooms.openDm(actor, body);
    response.status(created ? 201 : 200);
    return room;
  }
}
