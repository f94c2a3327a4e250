import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { AppConfig } from '../config/app-config';
import { Broadcaster } from '../realtime/broadcaster';
import { RedisClients } from '../redis/redis-clients';
import { RoomRepository } from '../rooms/room.repository';
import { PodRegistry } from './pod-registry';
import { PresenceService } from './presence.service';

/** Embedded mode (no Redis): the real in-process store counts sockets; rooms and broadcaster are fakes. */
async function setUp(roomIdsForUser: (userId: string) => Promise<string[]> = async () => ['r1', 'r2'], graceMs = 0) {
  const emitted: { to: string[]; event: string; payload: unknown }[] = [];
  const rooms = { roomIdsForUser: jest.fn(roomIdsForUser) };
  const beats: (() => Promise<void>)[] = [];
  const moduleRef = await Test.createTestingModule({
    providers: [
      PresenceService,
      { provide: RedisClients, useValue: { command: null } },
      { provide: AppConfig, useValue: { redisKeyPrefix: 'test:', podId: 'pod-a', presenceOfflineGraceMs: graceMs } },
      { provide: RoomRepository, useValue: rooms },
      { provide: PodRegistry, useValue: { redisDirectory: null, onBeat: (listener: () => Promise<void>) => beats.push(listener) } },
      {
        provide: Broadcaster,
        useValue: { toRooms: (to: string[]) => ({ emit: (event: string, payload: unknown) => emitted.push({ to, event, payload }) }) },
      },
    ],
  }).compile();
  const presence = moduleRef.get(PresenceService);
  await presence.onApplicationBootstrap();
  /** One heartbeat of the pod (its listeners run the presence sweep). */
  const beat = async () => {
    for (const listener of beats) await listener();
  };
  return { presence, emitted, rooms, beat };
}

describe('PresenceService (embedded mode)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterEach(() => jest.restoreAllMocks());

  it('announces a user online to their rooms on the first socket only', async () => {
    const { presence, emitted } = await setUp();
    await presence.userConnected('alice', ['r1', 'r2']);
    await presence.userConnected('alice', ['r1', 'r2']);
    expect(emitted).toEqual([{ to: ['r1', 'r2'], event: 'presence', payload: { userId: 'alice', online: true } }]);
    await expect(presence.online(['alice', 'bob'])).resolves.toEqual(new Set(['alice']));
  });

  it('keeps a user online until their last socket closed, then tells the rooms they are in now at the next heartbeat', async () => {
    const { presence, emitted, rooms, beat } = await setUp();
    await presence.userConnected('alice', []);
    await presence.userConnected('alice', []);
    await presence.userDisconnected('alice');
    await beat();
    expect(emitted).toEqual([]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set(['alice']));
    await presence.userDisconnected('alice');
    await beat();
    expect(rooms.roomIdsForUser).toHaveBeenCalledWith('alice');
    expect(emitted).toEqual([{ to: ['r1', 'r2'], event: 'presence', payload: { userId: 'alice', online: false } }]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set());
    await beat();
    expect(emitted).toHaveLength(1);
  });

  it('sends nothing for a reconnect within the offline grace, and offline once the grace passed without one', async () => {
    let now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    const { presence, emitted, beat } = await setUp(async () => ['r1'], 30_000);
    await presence.userConnected('alice', ['r1']);
    await presence.userDisconnected('alice');
    now += 20_000;
    await beat();
    await presence.userConnected('alice', ['r1']);
    now += 60_000;
    await beat();
    await expect(presence.online(['alice'])).resolves.toEqual(new Set(['alice']));
    expect(emitted.map((e) => e.payload)).toEqual([{ userId: 'alice', online: true }]);

    await presence.userDisconnected('alice');
    now += 29_000;
    await beat();
    await expect(presence.online(['alice'])).resolves.toEqual(new Set(['alice']));
    now += 1_000;
    await beat();
    expect(emitted.map((e) => e.payload)).toEqual([
      { userId: 'alice', online: true },
      { userId: 'alice', online: false },
    ]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set());
  });

  it('counts each user separately', async () => {
    const { presence, beat } = await setUp();
    await presence.userConnected('alice', []);
    await presence.userConnected('bob', []);
    await presence.userDisconnected('alice');
    await beat();
    await expect(presence.online(['alice', 'bob', 'carol'])).resolves.toEqual(new Set(['bob']));
  });

  it('sends nothing for a user without rooms', async () => {
    const { presence, emitted, beat } = await setUp(async () => []);
    await presence.userConnected('alice', []);
    await presence.userDisconnected('alice');
    await beat();
    expect(emitted).toEqual([]);
  });

  it('is best-effort: a failing room lookup loses the announcement, not the disconnect', async () => {
    const { presence, emitted, beat } = await setUp(async () => {
      throw new Error('database down');
    });
    await presence.userConnected('alice', ['r1']);
    await expect(presence.userDisconnected('alice')).resolves.toBeUndefined();
    await expect(beat()).resolves.toBeUndefined();
    expect(emitted.map((e) => e.payload)).toEqual([{ userId: 'alice', online: true }]);
    await expect(presence.online(['alice'])).resolves.toEqual(new Set());
  });
});
