import { Injectable } from '@nestjs/common';
import type { SearchHit } from '@chat/contracts';
import { Database } from '../database/sql';
import { MessageRow, toMessage } from '../timeline/message.mapper';
import { SEARCH_STATEMENT, SearchKey, SearchRequest, searchParams } from './search.sql';

interface HitRow extends MessageRow {
  room_name: string;
  created_key: string;
}

/** Full-text search over the messages of one user's rooms (the statement: search.sql.ts). */
@Injectable()
export class SearchRepository {
  constructor(private readonly db: Database) {}

  /** Matches newest first after `after`, in the rooms `userId` is a member of (or in `roomId` among them). */
  async search(request: SearchRequest): Promise<(SearchHit & { key: SearchKey })[]> {
    const rows = await this.db.rows<HitRow>(SEARCH_STATEMENT, searchParams(request));
    return rows.map((row) => ({
      message: toMessage(row),
      roomId: row.room_id,
      roomName: row.room_name,
      key: [row.created_key, row.room_id, Number(row.seq)],
    }));
  }
}
