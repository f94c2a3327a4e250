import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiQuery, ApiTags } from '@nestjs/swagger';
import { LIMITS, SearchPage } from '@chat/contracts';
import { MessageSearchQuery } from '@chat/contracts/validation';
import { CurrentUser } from '../common/route-access';
import type { Actor } from '../auth/actor';
import { SearchService } from './search.service';

@ApiTags('search')
@ApiBearerAuth()
@Controller('search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get()
  @ApiOperation({
    summary: 'Search the messages of my rooms',
    description:
      'Full text, newest first: `{items: [{message, roomId, roomName}], nextCursor}`. Deleted messages never match; ' +
      'an edited message matches its current text. A DM’s roomName is the other member’s display name.',
  })
  @ApiQuery({
    name: 'q',
    type: String,
    description:
      'Every word must occur in the message, as a word or the start of one (case-insensitive, no stemming, ' +
      `any language). 1-${LIMITS.messageSearchQueryMax} characters, not blank.`,
  })
  @ApiQuery({
    name: 'roomId',
    required: false,
    schema: { type: 'string', format: 'uuid' },
    description: 'Only this room: 404 if it does not exist, 403 if I am not a member.',
  })
  @ApiQuery({ name: 'before', required: false, type: String, description: 'The nextCursor of the previous page (opaque).' })
  @ApiQuery({
    name: 'limit',
    required: false,
    schema: { type: 'integer', minimum: 1, maximum: LIMITS.messageSearchPageMax, default: LIMITS.messageSearchPageDefault },
  })
  find(@CurrentUser() actor: Actor, @Query() query: MessageSearchQuery): Promise<SearchPage> {
    return this.search.search(actor, query);
  }
}
