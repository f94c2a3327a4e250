import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../config/app-config';
import { Broadcaster } from '../realtime/broadcaster';
import { RedisClients } from '../redis/redis-clients';
import { RoomRepository } from '../rooms/room.repository';
import { PodRegistry } from './pod-registry';
import { PresenceService } from './presence.service';

/** Embedded mode (no Redis): the real in-process store counts sockets; rooms and broadcaster are fakes. */
async function setUp(roomIdsForUser: (userId: string) => Promise<string[]> = async () => ['r1', 'r2']) {
  const emitted: { to: string[]; event: string; payload: unknown }[] = [];
  const rooms = { roomIdsForUser: jest.fn(roomIdsForUser) };
  const moduleRef = await Test.createTestingModule({
    providers: [
      PresenceService,
      { provide: RedisClients, useValue: { command: null } },
      { provide: AppConfig, useValue: { redisKeyPrefix: 'test:', podId: 'pod-a' } },
      { provide: RoomRepository, useValue: rooms },
      { provide: PodRegistry, useValue: { redisDirectory: { podsKey: 'test:pods' }, onBeat: jest.fn() } },
      {
        provide: Broadcaster,
        useValue: { toRooms: (to: string[]) => ({ emit: (event: string, payload: unknown) => emitted.push({ to, event, payload }) }) },
      },
    ],
  }).compile();
  return { presence: moduleRef.get(PresenceService), emitted, rooms };
}

describe('PresenceService (embedded mode)', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('announces a user online to their rooms on the first socket only', async () => {
    const { presence, emitted } = await setUp();
    await presence.userConnected('alice', ['r1', 'r2']);
    await presence.userConnected('alice', ['r1', 'r2']);
    expect(emitted).toEqual([{ to: ['r1', 'r2'], event: 'presence', payload: { userId: 'alice', online: true } }]);
    await expect(presence.online(['alice', 'bob'])).resolves.toEqual(new Set(['alice']));
  });

  it('keeps a user online until their last socket closes, then tells the rooms they are in now', async () => {
    const { presence, emitted, rooms } = await setUp();
    await presence.userConnected('alice', []);
    await presence.userConnected('alice', []);
    await presence.userDisconnected('alice');
    expect(emitted).toEqual([]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set(['alice']));
    await presence.userDisconnected('alice');
    expect(rooms.roomIdsForUser).toHaveBeenCalledWith('alice');
    expect(emitted).toEqual([{ to: ['r1', 'r2'], event: 'presence', payload: { userId: 'alice', online: false } }]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set());
  });

  it('counts each user separately', async () => {
    const { presence } = await setUp();
    await presence.userConnected('alice', []);
    await presence.userConnected('bob', []);
    await presence.userDisconnected('alice');
    await expect(presence.online(['alice', 'bob', 'carol'])).resolves.toEqual(new Set(['bob']));
  });

  it('sends nothing for a user without rooms', async () => {
    const { presence, emitted } = await setUp(async () => []);
    await presence.userConnected('alice', []);
    await presence.userDisconnected('alice');
    expect(emitted).toEqual([]);
  });

  it('is best-effort: a failing room lookup loses the announcement, not the disconnect', async () => {
    const { presence, emitted } = await setUp(async () => {
      throw new Error('database down');
    });
    await presence.userConnected('alice', ['r1']);
    await expect(presence.userDisconnected('alice')).resolves.toBeUndefined();
    expect(emitted.map((e) => e.payload)).toEqual([{ userId: 'alice', online: true }]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set());
  });
});
