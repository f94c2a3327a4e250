import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { HistoryPage } from '@chat/contracts';
import { HistoryQuery } from '@chat/contracts/validation';
import { CurrentUser } from '../common/route-access';
import { UuidParam } from '../common/uuid-param';
import type { Actor } from '../auth/actor';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller('rooms/:id/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Newest-first page of the room's timeline; `before` pages back through history. */
  @Get()
  history(@CurrentUser() actor: Actor, @UuidParam('id') roomId: string, @Query() query: HistoryQuery): Promise<HistoryPage> {
    return this.messages.history(actor, roomId, query.before, query.limit);
  }
}
