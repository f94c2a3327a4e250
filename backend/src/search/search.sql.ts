import { messageColumns } from '../timeline/message.mapper';

/**
 * The search statement, apart from the repository so that tests can explain exactly this text.
 *
 * Matching uses the expression and predicate of the `messages_body_search` index (migration
 * 1766000000000), so one scan of that index finds the candidates. The user's rooms are one array,
 * not a join: with a join the planner scanned the index once per room, 6× slower for a common word
 * on 500,000 messages. The page is cut before senders and room names are joined, so those are read
 * for the page only.
 */

/**
 * Where a hit sits in the newest-first order: its creation time to the microsecond (UTC, as
 * `YYYY-MM-DDTHH:MM:SS.ffffffZ`), its room and its seq. Unique per message, so a page that starts
 * after a key neither repeats nor skips a message.
 */
export type SearchKey = [createdAt: string, roomId: string, seq: number];

export interface SearchRequest {
  userId: string;
  text: string;
  roomId: string | null;
  after: SearchKey | null;
  limit: number;
}

/**
 * The query's words as a tsquery of prefixes that must all occur ('deplo' finds "deployed"). The text
 * is split by PostgreSQL's own parser and configuration, as bodies are for the index; each lexeme is
 * then quoted as a tsquery literal (quotes and backslashes doubled). NULL when the text has no words
 * (only punctuation, say), and then nothing matches.
 */
const PREFIX_QUERY = `(
  SELECT string_agg('''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '''''') || ''':*', ' & ')
  FROM unnest(to_tsvector('simple'::regconfig, $2::text)) AS t
)::tsquery`;

/** Rows: the message, its sender, `room_name` (a DM's: the other members' display names) and `created_key`. */
export const SEARCH_STATEMENT = `
  SELECT ${messageColumns('h')},
         to_char(h.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS created_key,
         u.username, u.display_name,
         CASE WHEN r.kind = 'dm' THEN coalesce((
           SELECT string_agg(pu.display_name, ', ' ORDER BY pu.display_name, pu.id) FROM room_members p JOIN users pu ON pu.id = p.user_id
           WHERE p.room_id = r.id AND p.user_id <> $1
         ), '') ELSE r.name END AS room_name
  FROM (
    SELECT ${messageColumns('m')}
    FROM messages m
    WHERE m.deleted_at IS NULL AND m.notice IS NULL
      AND to_tsvector('simple'::regconfig, m.body) @@ ${PREFIX_QUERY}
      AND m.room_id = ANY ((SELECT array_agg(rm.room_id) FROM room_members rm WHERE rm.user_id = $1)::uuid[])
      AND ($3::uuid IS NULL OR m.room_id = $3::uuid)
      AND ($4::timestamptz IS NULL OR (m.created_at, m.room_id, m.seq) < ($4::timestamptz, $5::uuid, $6::bigint))
    ORDER BY m.created_at DESC, m.room_id DESC, m.seq DESC
    LIMIT $7
  ) h
  JOIN users u ON u.id = h.sender_id
  JOIN rooms r ON r.id = h.room_id
  ORDER BY h.created_at DESC, h.room_id DESC, h.seq DESC`;

export function searchParams(request: SearchRequest): unknown[] {
  const { userId, text, roomId, after, limit } = request;
  return [userId, text, roomId, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit];
}
