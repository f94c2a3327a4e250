import { AppError } from '../common/app-error';
import { decodeCursor, encodeCursor } from '../common/cursor';
import type { SearchKey } from './search.sql';

const CREATED_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A real instant (not only shaped like one), since PostgreSQL would refuse "2025-13-45…" with an error of its own. */
function isInstant(createdAt: string): boolean {
  if (!CREATED_AT.test(createdAt)) return false;
  const millis = createdAt.slice(0, 23);
  const parsed = Date.parse(`${millis}Z`);
  return !Number.isNaN(parsed) && new Date(parsed).toISOString().slice(0, 23) === millis;
}

/** The `nextCursor` of a page that ends with the hit at `key`. */
export function searchCursor(key: SearchKey): string {
  return encodeCursor(key);
}

/** The key inside a `before` cursor, or null without one; anything but one of our cursors is VALIDATION_FAILED. */
export function searchKeyOf(cursor: string | undefined): SearchKey | null {
  if (cursor === undefined) return null;
  const [createdAt, roomId, seq] = decodeCursor(cursor, 3) ?? [];
  if (
    typeof createdAt === 'string' &&
    isInstant(createdAt) &&
    typeof roomId === 'string' &&
    UUID.test(roomId) &&
    typeof seq === 'number' &&
    Number.isSafeInteger(seq) &&
    seq >= 1
  ) {
    return [createdAt, roomId, seq];
  }
  throw AppError.validation([{ field: 'before', message: 'before must be the nextCursor of a search page' }]);
}
