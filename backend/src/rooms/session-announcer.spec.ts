import type { RoomHead } from '@chat/contracts';
import type { Broadcaster } from '../realtime/broadcaster';
import type { ServerSocket } from '../realtime/socket-types';
import type { RoomRepository } from './room.repository';
import { SessionAnnouncer } from './session-announcer';

/** A socket that records what happened to it, in order. */
function fakeSocket(steps: string[]) {
  const rooms = new Set<string>(['user:u1']);
  const socket = {
    data: { user: { id: 'u1', username: 'u1', displayName: 'U1', role: 'user' } },
    rooms,
    join: async (channels: string[]) => {
      steps.push(`join ${channels.join(',')}`);
      channels.forEach((channel) => rooms.add(channel));
    },
    leave: async (channel: string) => {
      steps.push(`leave ${channel}`);
      rooms.delete(channel);
    },
    emit: (event: string, payload: { rooms: RoomHead[] }) =>
      steps.push(`${event} ${payload.rooms.map((r) => `${r.id}@${r.lastSeq}`).join(',')}`),
  };
  return socket as unknown as ServerSocket & { rooms: Set<string> };
}

describe('SessionAnnouncer.announce', () => {
  it('joins the rooms and waits for their subscriptions before reading their heads, so a message committed meanwhile is live or below the head', async () => {
    const steps: string[] = [];
    const rooms = {
      roomIdsForUser: async () => {
        steps.push('read rooms');
        return ['a', 'b'];
      },
      heads: async () => {
        steps.push('read heads');
        return [
          { id: 'a', lastSeq: 7, lastReadSeq: 7 },
          { id: 'b', lastSeq: 3, lastReadSeq: 1 },
        ];
      },
    } as unknown as RoomRepository;
    const socket = fakeSocket(steps);
    const broadcaster = { subscriptionsApplied: async () => void steps.push('subscriptions applied') } as unknown as Broadcaster;
    await expect(new SessionAnnouncer(rooms, broadcaster).announce(socket)).resolves.toEqual(['a', 'b']);
    expect(steps).toEqual(['read rooms', 'join room:a,room:b', 'subscriptions applied', 'read heads', 'session:ready a@7,b@3']);
  });

  it('leaves a room the user lost between the two reads, and keeps every other channel', async () => {
    const steps: string[] = [];
    const rooms = {
      roomIdsForUser: async () => ['a', 'gone'],
      heads: async () => [{ id: 'a', lastSeq: 1, lastReadSeq: 0 }],
    } as unknown as RoomRepository;
    const socket = fakeSocket(steps);
    socket.rooms.add('room:added-meanwhile');
    const broadcaster = { subscriptionsApplied: () => Promise.resolve() } as unknown as Broadcaster;
    await new SessionAnnouncer(rooms, broadcaster).announce(socket);
    expect([...socket.rooms].sort()).toEqual(['room:a', 'room:added-meanwhile', 'user:u1']);
    expect(steps).toContain('leave room:gone');
  });
});
