import { ErrorCode, type Message } from '@chat/contracts';
import type { Actor } from '../auth/actor';
import type { RoomAccess } from '../rooms/room-rules';
import type { RoomRepository } from '../rooms/room.repository';
import { searchKeyOf } from './search-cursor';
import type { SearchRepository } from './search.repository';
import type { SearchKey, SearchRequest } from './search.sql';
import { SearchService } from './search.service';

const actor: Actor = { id: 'user-1', username: 'user-1', displayName: 'User 1', role: 'admin' };
const ROOM = '3f0c6a7e-8d52-4d1b-9a64-0c5b2f1e7a90';

function hit(seq: number) {
  const message = { id: `m${seq}`, roomId: ROOM, seq, body: `hit ${seq}` } as Message;
  const key: SearchKey = [`2026-03-04T05:06:${String(60 - seq).padStart(2, '0')}.000000Z`, ROOM, seq];
  return { message, roomId: ROOM, roomName: 'general', key };
}

function setUp(found: number, access: RoomAccess | null = null) {
  const requests: SearchRequest[] = [];
  const searches = {
    search: jest.fn(async (request: SearchRequest) => {
      requests.push(request);
      return Array.from({ length: Math.min(found, request.limit) }, (_, i) => hit(found - i));
    }),
  } as unknown as SearchRepository;
  const rooms = { access: jest.fn(async () => access) } as unknown as RoomRepository;
  return { service: new SearchService(searches, rooms), requests };
}

describe('SearchService', () => {
  it('asks for one more than the page and gives a cursor at the page’s last hit only when there is more', async () => {
    const { service, requests } = setUp(5);
    const first = await service.search(actor, { q: 'hit', limit: 3 });
    expect(requests[0]).toMatchObject({ userId: 'user-1', text: 'hit', roomId: null, after: null, limit: 4 });
    expect(first.items.map((item) => item.message.seq)).toEqual([5, 4, 3]);
    expect(first.items[0]).toEqual({ message: expect.objectContaining({ id: 'm5' }), roomId: ROOM, roomName: 'general' });
    expect(searchKeyOf(first.nextCursor ?? undefined)).toEqual(hit(3).key);

    const all = await setUp(3).service.search(actor, { q: 'hit', limit: 3 });
    expect(all.nextCursor).toBeNull();
  });

  it('narrows to a room I am a member of; a missing room is NOT_FOUND and another’s FORBIDDEN, admins included', async () => {
    const member = setUp(1, { kind: 'channel', visibility: 'private', archived: false, membership: 'member' });
    await member.service.search(actor, { q: 'hit', roomId: ROOM });
    expect(member.requests[0]?.roomId).toBe(ROOM);

    await expect(setUp(1, null).service.search(actor, { q: 'hit', roomId: ROOM })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    const outsider = setUp(1, { kind: 'channel', visibility: 'public', archived: false, membership: null });
    await expect(outsider.service.search(actor, { q: 'hit', roomId: ROOM })).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    expect(outsider.requests).toEqual([]);
  });
});
