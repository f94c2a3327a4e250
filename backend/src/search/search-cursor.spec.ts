import { ErrorCode } from '@chat/contracts';
import { encodeCursor } from '../common/cursor';
import { searchCursor, searchKeyOf } from './search-cursor';
import type { SearchKey } from './search.sql';

const ROOM = '3f0c6a7e-8d52-4d1b-9a64-0c5b2f1e7a90';

describe('search cursors', () => {
  it('carries a hit’s key through nextCursor and back, unchanged to the microsecond', () => {
    const key: SearchKey = ['2026-03-04T05:06:07.123456Z', ROOM, 42];
    expect(searchKeyOf(searchCursor(key))).toEqual(key);
  });

  it('means the newest page when there is none', () => {
    expect(searchKeyOf(undefined)).toBeNull();
  });

  it.each([
    ['not base64 JSON', '%%%'],
    ['another shape', encodeCursor(['2026-03-04T05:06:07.123456Z', ROOM])],
    ['a time PostgreSQL would refuse', encodeCursor(['2026-13-45T05:06:07.123456Z', ROOM, 1])],
    ['a time without microseconds', encodeCursor(['2026-03-04T05:06:07.123Z', ROOM, 1])],
    ['a room that is not a UUID', encodeCursor(['2026-03-04T05:06:07.123456Z', 'general', 1])],
    ['a seq of zero', encodeCursor(['2026-03-04T05:06:07.123456Z', ROOM, 0])],
    ['a fractional seq', encodeCursor(['2026-03-04T05:06:07.123456Z', ROOM, 1.5])],
  ])('refuses %s as VALIDATION_FAILED on before', (_case, cursor) => {
    expect(() => searchKeyOf(cursor)).toThrow(
      expect.objectContaining({ code: ErrorCode.VALIDATION_FAILED, fields: [expect.objectContaining({ field: 'before' })] }),
    );
  });
});
