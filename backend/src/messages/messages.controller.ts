import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { HistoryPage, LIMITS, ThreadPage } from '@chat/contracts';
import { HistoryQuery, ThreadQuery } from '@chat/contracts/validation';
import { CurrentUser } from '../common/route-access';
import { UuidParam } from '../common/uuid-param';
import type { Actor } from '../auth/actor';
import { MessagesService } from './messages.service';

@ApiTags('messages')
@ApiBearerAuth()
@Controller()
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  /** Newest-first page of the room's timeline (top-level messages; replies are in their threads); `before` pages back. */
  @Get('rooms/:id/messages')
  history(@CurrentUser() actor: Actor, @UuidParam('id') roomId: string, @Query() query: HistoryQuery): Promise<HistoryPage> {
    return this.messages.history(actor, roomId, query.before, query.limit);
  }

  /** A thread's replies (the root excluded), ascending by seq, after `after`. */
  @Get('messages/:id/thread')
  @ApiOperation({
    summary: 'A thread’s replies',
    description:
      'Replies with seq > after, ascending: `{messages, hasMore}` (the root itself is not among them). 404 for an unknown ' +
      'message, 403 when I may not read its room.',
  })
  @ApiQuery({ name: 'after', required: false, schema: { type: 'integer', minimum: 0, default: 0 } })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: LIMITS.historyPageMax, default: LIMITS.historyPageDefault },
  })
  thread(@CurrentUser() actor: Actor, @UuidParam('id') rootId: string, @Query() query: ThreadQuery): Promise<ThreadPage> {
    return this.messages.thread(actor, rootId, query.after, query.limit);
  }
}
