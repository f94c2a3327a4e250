import { Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AdminRoom, AdminStats, AdminUser, AuditEntry, CursorPage } from '@chat/contracts';
import { AdminListQuery, AuditQuery, BanRequest } from '@chat/contracts/validation';
import { CurrentUser, Roles } from '../common/route-access';
import { UuidParam } from '../common/uuid-param';
import type { Actor } from '../auth/actor';
import { AdminService } from './admin.service';

/** Administration: role admin only (others get 403). Every change is audited. */
@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin')
export class AdminController {
  constructor(private readonly admin: AdminService) {}

  @Get('stats')
  stats(): Promise<AdminStats> {
    return this.admin.stats();
  }

  @Get('users')
  users(@Query() query: AdminListQuery): Promise<CursorPage<AdminUser>> {
    return this.admin.users(query.query, query.limit, query.cursor);
  }

  /** Closes the user's sockets on every pod, refuses their logins and connections, revokes their tokens. */
  @Post('users/:id/ban')
  @HttpCode(200)
  ban(@CurrentUser() actor: Actor, @UuidParam('id') id: string, @Body() body: BanRequest): Promise<AdminUser> {
    return this.admin.ban(actor, id, body.reason);
  }

  @Delete('users/:id/ban')
  unban(@CurrentUser() actor: Actor, @UuidParam('id') id: string): Promise<AdminUser> {
    return this.admin.unban(actor, id);
  }

  /** Tombstones the message; the room gets message:deleted on every pod. */
  @Delete('messages/:id')
  @HttpCode(204)
  deleteMessage(@CurrentUser() actor: Actor, @UuidParam('id') id: string): Promise<void> {
    return this.admin.deleteMessage(actor, id);
  }

  @Get('rooms')
  rooms(@Query() query: AdminListQuery): Promise<CursorPage<AdminRoom>> {
    return this.admin.rooms(query.query, query.limit, query.cursor);
  }

  /** Archive: no new messages, history stays readable. */
  @Delete('rooms/:id')
  @HttpCode(204)
  archive(@CurrentUser() actor: Actor, @UuidParam('id') id: string): Promise<void> {
    return this.admin.archiveRoom(actor, id);
  }

  /** Newest first; narrowed by the acting admin's username, the action and the target's id. */
  @Get('audit')
  audit(@Query() query: AuditQuery): Promise<CursorPage<AuditEntry>> {
    return this.admin.audit(query);
  }
}
