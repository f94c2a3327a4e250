import { Injectable } from '@nestjs/common';
import { LIMITS, SearchPage } from '@chat/contracts';
import type { MessageSearchQuery } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import { AppError } from '../common/app-error';
import { RoomRules, enforce } from '../rooms/room-rules';
import { RoomRepository } from '../rooms/room.repository';
import { searchCursor, searchKeyOf } from './search-cursor';
import { SearchRepository } from './search.repository';

/** Message search over the rooms the actor is a member of (RoomRules.canSearch), newest first, by cursor. */
@Injectable()
export class SearchService {
  constructor(
    private readonly searches: SearchRepository,
    private readonly rooms: RoomRepository,
  ) {}

  async search(actor: Actor, query: MessageSearchQuery): Promise<SearchPage> {
    const after = searchKeyOf(query.before);
    const roomId = query.roomId ?? null;
    if (roomId) {
      const access = await this.rooms.access(roomId, actor.id);
      if (!access) throw AppError.notFound('Room');
      enforce(RoomRules.canSearch(access));
    }
    const limit = query.limit ?? LIMITS.messageSearchPageDefault;
    // One more than the page: whether there is a next page, without counting.
    const hits = await this.searches.search({ userId: actor.id, text: query.q, roomId, after, limit: limit + 1 });
    const page = hits.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(({ message, roomId: room, roomName }) => ({ message, roomId: room, roomName })),
      nextCursor: hits.length > limit && last ? searchCursor(last.key) : null,
    };
  }
}
