import { Test } from '@nestjs/testing';
import { ErrorCode, type MemberRole, type MyRoom, type Room } from '@chat/contracts';
import { Broadcaster } from '../realtime/broadcaster';
import type { Actor } from '../auth/actor';
import { TimelineEvents } from '../timeline/timeline-events';
import { TimelineRelay } from '../timeline/timeline-relay';
import { UserRecord, UserRepository } from '../users/user.repository';
import { OnlineUsers } from './online-users';
import { RoomRepository } from './room.repository';
import { RoomsService } from './rooms.service';

describe('RoomsService.markRead', () => {
  function setUp(mark: number | null, roomExists: boolean) {
    const emitted: { except: string; event: string; payload: unknown }[] = [];
    const rooms = {
      markRead: jest.fn(async () => mark),
      access: jest.fn(async () => (roomExists ? { kind: 'channel', visibility: 'public', archived: false, membership: null } : null)),
    } as unknown as RoomRepository;
    const broadcaster = {
      toUser: () => ({
        except: (except: string) => ({ emit: (event: string, payload: unknown) => emitted.push({ except, event, payload }) }),
      }),
    } as unknown as Broadcaster;
    const service = new RoomsService(
      rooms,
      {} as UserRepository,
      broadcaster,
      {} as OnlineUsers,
      {} as TimelineEvents,
      {} as TimelineRelay,
    );
    return { service, rooms, emitted };
  }

  const actor: Actor = { id: 'user-1', username: 'user-1', displayName: 'User 1', role: 'user' };

  it('stores the mark and tells the user’s other sockets the stored value', async () => {
    const { service, rooms, emitted } = setUp(7, true);
    await service.markRead(actor, 'room-1', 9, 'socket-1');
    expect(rooms.markRead).toHaveBeenCalledWith('room-1', 'user-1', 9);
    expect(emitted).toEqual([{ except: 'socket-1', event: 'room:read', payload: { roomId: 'room-1', seq: 7 } }]);
  });

  it('refuses a non-member with FORBIDDEN and a missing room with NOT_FOUND, telling nobody', async () => {
    const notMember = setUp(null, true);
    await expect(notMember.service.markRead(actor, 'room-1', 1, 's')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
    const missing = setUp(null, false);
    await expect(missing.service.markRead(actor, 'room-1', 1, 's')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect([...notMember.emitted, ...missing.emitted]).toEqual([]);
  });
});

const user = (id: string, over: Partial<UserRecord> = {}): UserRecord =>
  ({ id, username: id, displayName: id, role: 'user', bannedAt: null, ...over }) as UserRecord;
const room = (id: string, over: Partial<Room> = {}): Room => ({
  id,
  name: id,
  kind: 'channel',
  visibility: 'public',
  createdAt: '2026-01-01T00:00:00.000Z',
  lastSeq: 0,
  memberCount: 0,
  archivedAt: null,
  ...over,
});

describe('RoomsService (membership rules)', () => {
  /**
   * The real service in a TestingModule over an in-memory room repository; users, presence and the
   * broadcaster are fakes. Rooms: `pub` public (owner alice), `priv` private (owner alice),
   * `old` archived public, `dm` a DM of alice and bob.
   */
  async function setUp() {
    const rooms = new Map<string, Room>([
      ['pub', room('pub')],
      ['priv', room('priv', { visibility: 'private' })],
      ['old', room('old', { archivedAt: '2026-02-01T00:00:00.000Z' })],
      ['dm', room('dm', { kind: 'dm', visibility: 'private' })],
    ]);
    const members = new Map<string, Map<string, MemberRole>>([
      ['pub', new Map([['alice', 'owner']])],
      ['priv', new Map([['alice', 'owner']])],
      ['old', new Map([['alice', 'owner']])],
      [
        'dm',
        new Map<string, MemberRole>([
          ['alice', 'member'],
          ['bob', 'member'],
        ]),
      ],
    ]);
    const users = new Map(
      [user('alice'), user('bob'), user('carol'), user('root', { role: 'admin' }), user('mallory', { bannedAt: new Date() })].map((u) => [
        u.id,
        u,
      ]),
    );
    const myRoom = (roomId: string, userId: string): MyRoom | null => {
      const role = members.get(roomId)?.get(userId);
      const found = rooms.get(roomId);
      return role && found ? { ...found, lastReadSeq: 0, unread: 0, mentions: 0, myRole: role } : null;
    };
    const access = (roomId: string, userId: string) => {
      const found = rooms.get(roomId);
      return found
        ? {
            kind: found.kind,
            visibility: found.visibility,
            archived: found.archivedAt !== null,
            membership: members.get(roomId)?.get(userId) ?? null,
          }
        : null;
    };
    const repository = {
      changing: jest.fn(async (roomId: string, userId: string, work: (tx: unknown, a: unknown) => Promise<unknown>) => {
        const found = access(roomId, userId);
        if (!found) throw Object.assign(new Error('Room not found'), { code: ErrorCode.NOT_FOUND });
        return work('tx', found);
      }),
      roleOf: jest.fn(async (roomId: string, userId: string) => members.get(roomId)?.get(userId) ?? null),
      transferOwner: jest.fn(async (roomId: string, userId: string) => {
        const roles = members.get(roomId);
        for (const id of roles?.keys() ?? []) if (roles?.get(id) === 'owner') roles.set(id, 'member');
        roles?.set(userId, 'owner');
      }),
      updateSettings: jest.fn(async (roomId: string, settings: { name: string; topic: string }) => {
        const found = rooms.get(roomId);
        if (found) rooms.set(roomId, { ...found, ...settings });
      }),
      findRoom: jest.fn(async (roomId: string) => rooms.get(roomId) ?? null),
      findMyRoom: jest.fn(async (roomId: string, userId: string) => myRoom(roomId, userId)),
      access: jest.fn(async (roomId: string, userId: string) => access(roomId, userId)),
      isMember: jest.fn(async (roomId: string, userId: string) => members.get(roomId)?.has(userId) ?? false),
      addMember: jest.fn(async (roomId: string, userId: string) => {
        members.get(roomId)?.set(userId, 'member');
        return true;
      }),
      removeMember: jest.fn(async (roomId: string, userId: string) => members.get(roomId)?.delete(userId) ?? false),
      memberCount: jest.fn(async (roomId: string) => members.get(roomId)?.size ?? 0),
      members: jest.fn(async (roomId: string) =>
        [...(members.get(roomId) ?? [])].map(([id, memberRole]) => ({
          id,
          userId: id,
          username: id,
          displayName: id,
          memberRole,
          joinedAt: '',
        })),
      ),
      findOrCreateDm: jest.fn(async (_creator: string, ids: string[]) => {
        const existing = [...members].find(
          ([id, m]) => rooms.get(id)?.kind === 'dm' && ids.every((userId) => m.has(userId)) && m.size === ids.length,
        );
        if (existing) return { roomId: existing[0], created: false };
        const roomId = `dm${rooms.size}`;
        rooms.set(roomId, room(roomId, { kind: 'dm', visibility: 'private' }));
        members.set(roomId, new Map<string, MemberRole>(ids.map((userId) => [userId, 'member'])));
        return { roomId, created: true };
      }),
    };
    const toRoom = jest.fn();
    const broadcaster = {
      memberAdded: jest.fn(),
      memberRemoved: jest.fn(),
      toRoom: (roomId: string) => ({ emit: (event: string, payload: unknown) => toRoom(roomId, event, payload) }),
    };
    /** The notices written, as `room type by actor`. */
    const notices: string[] = [];
    const events = {
      notice: jest.fn(async (_tx: unknown, roomId: string, actor: { id: string }, notice: { type: string }) => {
        notices.push(`${roomId} ${notice.type} by ${actor.id}`);
        return { id: `n${notices.length}`, roomId, notice };
      }),
    };
    const moduleRef = await Test.createTestingModule({
      providers: [
        RoomsService,
        { provide: RoomRepository, useValue: repository },
        { provide: UserRepository, useValue: { findById: async (id: string) => users.get(id) ?? null } },
        { provide: Broadcaster, useValue: broadcaster },
        { provide: OnlineUsers, useValue: { online: async (ids: string[]) => new Set(ids.filter((id) => id === 'bob')) } },
        { provide: TimelineEvents, useValue: events },
        { provide: TimelineRelay, useValue: { nudge: () => undefined } },
      ],
    }).compile();
    return { service: moduleRef.get(RoomsService), repository, broadcaster, users, members, rooms, notices, toRoom };
  }

  describe('join', () => {
    it('adds a user to a public channel, tells their sockets on every pod, and the room hears a joined notice', async () => {
      const { service, repository, broadcaster, users, notices, toRoom } = await setUp();
      const joined = await service.join(users.get('bob') as Actor, 'pub');
      expect(joined).toMatchObject({ id: 'pub', myRole: 'member' });
      expect(repository.addMember).toHaveBeenCalledWith('pub', 'bob', 'member', 'tx');
      expect(broadcaster.memberAdded).toHaveBeenCalledWith('bob', joined);
      expect(notices).toEqual(['pub joined by bob']);
      expect(toRoom).toHaveBeenCalledWith('pub', 'message:new', { message: expect.objectContaining({ notice: { type: 'joined' } }) });
    });

    it('joining a room one is already in writes no notice', async () => {
      const { service, repository, users, notices } = await setUp();
      await service.join(users.get('alice') as Actor, 'pub');
      expect(repository.addMember).not.toHaveBeenCalled();
      expect(notices).toEqual([]);
    });

    it.each([
      ['a private channel', 'priv', ErrorCode.FORBIDDEN],
      ['a DM', 'dm', ErrorCode.FORBIDDEN],
      ['an archived channel', 'old', ErrorCode.FORBIDDEN],
      ['a missing room', 'nope', ErrorCode.NOT_FOUND],
    ])('refuses to join %s with %s and adds no one', async (_what, roomId, code) => {
      const { service, repository, broadcaster, users } = await setUp();
      await expect(service.join(users.get('carol') as Actor, roomId)).rejects.toMatchObject({ code });
      expect(repository.addMember).not.toHaveBeenCalled();
      expect(broadcaster.memberAdded).not.toHaveBeenCalled();
    });
  });

  describe('leave', () => {
    it('removes the member and takes their sockets out of the room, telling it the new count and a left notice', async () => {
      const { service, broadcaster, users, members, notices } = await setUp();
      members.get('pub')?.set('bob', 'member');
      await service.leave(users.get('bob') as Actor, 'pub');
      expect(members.get('pub')?.has('bob')).toBe(false);
      expect(broadcaster.memberRemoved).toHaveBeenCalledWith('bob', 'pub', 1);
      expect(notices).toEqual(['pub left by bob']);
    });

    it('lets the owner leave as the last member, and leaves an archived room without a notice', async () => {
      const { service, members, users, notices } = await setUp();
      await service.leave(users.get('alice') as Actor, 'pub');
      await service.leave(users.get('alice') as Actor, 'old');
      expect(members.get('pub')?.size).toBe(0);
      expect(members.get('old')?.size).toBe(0);
      expect(notices).toEqual(['pub left by alice']);
    });

    it('refuses the owner leaving while others are in the room (CONFLICT: hand it over first), changing nothing', async () => {
      const { service, broadcaster, members, users, notices } = await setUp();
      members.get('priv')?.set('bob', 'member');
      await expect(service.leave(users.get('alice') as Actor, 'priv')).rejects.toMatchObject({ code: ErrorCode.CONFLICT });
      expect(members.get('priv')?.get('alice')).toBe('owner');
      expect(broadcaster.memberRemoved).not.toHaveBeenCalled();
      expect(notices).toEqual([]);
    });

    it('refuses to leave a DM (FORBIDDEN) and a room one is not in (NOT_FOUND), telling nobody', async () => {
      const { service, broadcaster, users } = await setUp();
      await expect(service.leave(users.get('alice') as Actor, 'dm')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.leave(users.get('carol') as Actor, 'pub')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      expect(broadcaster.memberRemoved).not.toHaveBeenCalled();
    });
  });

  describe('addMember', () => {
    it.each(['alice', 'root'])('lets %s (owner or admin) add a user, who learns of the room, and answers the member', async (actorId) => {
      const { service, broadcaster, users, notices } = await setUp();
      const member = await service.addMember(users.get(actorId) as Actor, 'priv', 'bob');
      expect(member).toMatchObject({ id: 'bob', memberRole: 'member', online: true });
      expect(broadcaster.memberAdded).toHaveBeenCalledWith('bob', expect.objectContaining({ id: 'priv', myRole: 'member' }));
      expect(notices).toEqual([`priv added by ${actorId}`]);
    });

    it.each([
      ['a plain member', 'bob', 'pub', 'carol', ErrorCode.FORBIDDEN],
      ['the owner, into a DM', 'alice', 'dm', 'carol', ErrorCode.FORBIDDEN],
      ['the owner, into an archived room', 'alice', 'old', 'carol', ErrorCode.FORBIDDEN],
      ['the owner, a banned user', 'alice', 'priv', 'mallory', ErrorCode.NOT_FOUND],
      ['the owner, an unknown user', 'alice', 'priv', 'ghost', ErrorCode.NOT_FOUND],
      ['the owner, an existing member', 'alice', 'pub', 'alice', ErrorCode.CONFLICT],
    ])('refuses %s adding (%s in %s, %s) with %s', async (_what, actorId, roomId, targetId, code) => {
      const { service, repository, broadcaster, users, members } = await setUp();
      if (actorId === 'bob') members.get('pub')?.set('bob', 'member');
      await expect(service.addMember(users.get(actorId) as Actor, roomId, targetId)).rejects.toMatchObject({ code });
      expect(repository.addMember).not.toHaveBeenCalled();
      expect(broadcaster.memberAdded).not.toHaveBeenCalled();
    });
  });

  describe('room settings', () => {
    it('the owner removes a member: their sockets leave the room, which hears a removed notice', async () => {
      const { service, broadcaster, users, members, notices, toRoom } = await setUp();
      members.get('priv')?.set('bob', 'member');
      await service.removeMember(users.get('alice') as Actor, 'priv', 'bob');
      expect(members.get('priv')?.has('bob')).toBe(false);
      expect(broadcaster.memberRemoved).toHaveBeenCalledWith('bob', 'priv', 1);
      expect(notices).toEqual(['priv removed by alice']);
      expect(toRoom).toHaveBeenCalledWith('priv', 'message:new', {
        message: expect.objectContaining({ notice: expect.objectContaining({ type: 'removed' }) }),
      });
    });

    it.each([
      ['a plain member', 'bob', 'carol', ErrorCode.FORBIDDEN],
      ['the owner, removing the owner', 'alice', 'alice', ErrorCode.CONFLICT],
      ['the owner, removing a non-member', 'alice', 'root', ErrorCode.NOT_FOUND],
    ])('refuses %s (%s removing %s) with %s, changing nothing', async (_what, actorId, targetId, code) => {
      const { service, broadcaster, users, members, notices } = await setUp();
      members.get('pub')?.set('bob', 'member');
      members.get('pub')?.set('carol', 'member');
      await expect(service.removeMember(users.get(actorId) as Actor, 'pub', targetId)).rejects.toMatchObject({ code });
      expect(members.get('pub')?.size).toBe(3);
      expect(broadcaster.memberRemoved).not.toHaveBeenCalled();
      expect(notices).toEqual([]);
    });

    it('renames and sets the topic (owner or admin): one notice per field that changed, none for the same values', async () => {
      const { service, users, rooms, notices } = await setUp();
      await service.update(users.get('alice') as Actor, 'pub', { name: ' Lobby ', topic: 'say hi' });
      expect(rooms.get('pub')).toMatchObject({ name: 'Lobby', topic: 'say hi' });
      await service.update(users.get('root') as Actor, 'pub', { name: 'Lobby', topic: '' });
      await service.update(users.get('alice') as Actor, 'pub', { name: 'Lobby' });
      expect(notices).toEqual(['pub renamed by alice', 'pub topic by alice', 'pub topic by root']);
    });

    it.each([
      ['a plain member', 'bob', 'pub', { name: 'x' }, ErrorCode.FORBIDDEN],
      ['the owner, a DM', 'alice', 'dm', { name: 'x' }, ErrorCode.FORBIDDEN],
      ['the owner, an archived room', 'alice', 'old', { topic: 'x' }, ErrorCode.FORBIDDEN],
      ['the owner, a blank name', 'alice', 'pub', { name: '  ' }, ErrorCode.VALIDATION_FAILED],
      ['the owner, nothing to change', 'alice', 'pub', {}, ErrorCode.VALIDATION_FAILED],
    ])('refuses %s updating with %s', async (_what, actorId, roomId, change, code) => {
      const { service, users, members, notices } = await setUp();
      members.get('pub')?.set('bob', 'member');
      await expect(service.update(users.get(actorId) as Actor, roomId, change)).rejects.toMatchObject({ code });
      expect(notices).toEqual([]);
    });

    it('hands the room over: the member becomes the only owner, the owner before a member; an owner notice', async () => {
      const { service, users, members, notices } = await setUp();
      members.get('priv')?.set('bob', 'member');
      await service.transferOwner(users.get('alice') as Actor, 'priv', 'bob');
      expect(Object.fromEntries(members.get('priv') ?? [])).toEqual({ alice: 'member', bob: 'owner' });
      await service.transferOwner(users.get('bob') as Actor, 'priv', 'bob');
      expect(notices).toEqual(['priv owner by alice']);
      await expect(service.transferOwner(users.get('alice') as Actor, 'priv', 'bob')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.transferOwner(users.get('bob') as Actor, 'priv', 'carol')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe('members and get', () => {
    it('lists a public room for anyone, with online flags from presence', async () => {
      const { service, users } = await setUp();
      await service.join(users.get('bob') as Actor, 'pub');
      const list = await service.members(users.get('carol') as Actor, 'pub');
      expect(list.map((m) => [m.id, m.online])).toEqual([
        ['alice', false],
        ['bob', true],
      ]);
    });

    it('hides a private room from non-members (FORBIDDEN) but not from admins', async () => {
      const { service, users } = await setUp();
      await expect(service.members(users.get('carol') as Actor, 'priv')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.get(users.get('carol') as Actor, 'priv')).rejects.toMatchObject({ code: ErrorCode.FORBIDDEN });
      await expect(service.members(users.get('root') as Actor, 'priv')).resolves.toHaveLength(1);
      await expect(service.get(users.get('root') as Actor, 'priv')).resolves.toMatchObject({
        id: 'priv',
        myRole: 'member',
        unread: 0,
      });
    });

    it('shows a public room to a non-member as a plain member view', async () => {
      const { service, users } = await setUp();
      await expect(service.get(users.get('carol') as Actor, 'pub')).resolves.toMatchObject({
        id: 'pub',
        myRole: 'member',
        lastReadSeq: 0,
      });
      await expect(service.get(users.get('carol') as Actor, 'nope')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    });
  });

  describe('create and openDm', () => {
    it('refuses a blank room name with VALIDATION_FAILED', async () => {
      const { service, users } = await setUp();
      await expect(service.create(users.get('alice') as Actor, { name: '   ', visibility: 'public' })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
    });

    it('opens a new DM and tells both users; an existing DM is answered without telling anyone', async () => {
      const { service, broadcaster, users } = await setUp();
      await expect(service.openDm(users.get('alice') as Actor, { userId: 'carol' })).resolves.toMatchObject({
        created: true,
        room: { id: 'dm4' },
      });
      expect(broadcaster.memberAdded.mock.calls.map(([userId]) => userId)).toEqual(['alice', 'carol']);
      broadcaster.memberAdded.mockClear();
      await expect(service.openDm(users.get('alice') as Actor, { userId: 'bob' })).resolves.toMatchObject({
        created: false,
        room: { id: 'dm' },
      });
      await expect(service.openDm(users.get('alice') as Actor, { userIds: ['bob'] })).resolves.toMatchObject({
        created: false,
        room: { id: 'dm' },
      });
      expect(broadcaster.memberAdded).not.toHaveBeenCalled();
    });

    it('opens a group DM of the people named and me, telling each; the same people later get the same room', async () => {
      const { service, broadcaster, repository, users } = await setUp();
      const opened = await service.openDm(users.get('alice') as Actor, { userIds: ['bob', 'carol'] });
      expect(opened).toMatchObject({ created: true, room: { kind: 'dm' } });
      expect(repository.findOrCreateDm).toHaveBeenCalledWith('alice', ['alice', 'bob', 'carol']);
      expect(broadcaster.memberAdded.mock.calls.map(([userId]) => userId).sort()).toEqual(['alice', 'bob', 'carol']);
      const again = await service.openDm(users.get('carol') as Actor, { userIds: ['alice', 'bob'] });
      expect(again).toMatchObject({ created: false, room: { id: opened.room.id } });
    });

    it('refuses a DM with oneself or both fields (VALIDATION_FAILED) and with a banned user (NOT_FOUND)', async () => {
      const { service, repository, users } = await setUp();
      const alice = users.get('alice') as Actor;
      await expect(service.openDm(alice, { userId: 'alice' })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await expect(service.openDm(alice, { userIds: ['bob', 'alice'] })).rejects.toMatchObject({ code: ErrorCode.VALIDATION_FAILED });
      await expect(service.openDm(alice, { userId: 'bob', userIds: ['carol'] })).rejects.toMatchObject({
        code: ErrorCode.VALIDATION_FAILED,
      });
      await expect(service.openDm(alice, { userId: 'mallory' })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      await expect(service.openDm(alice, { userIds: ['bob', 'mallory'] })).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
      expect(repository.findOrCreateDm).not.toHaveBeenCalled();
    });
  });
});
