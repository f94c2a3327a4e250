import type { Member, Message, MyRoom, RoomVisibility, SyncResult } from '@chat/contracts';
import type { Api, TestUser } from './http';
import type { ChatClient } from './sockets';
import { randomId } from '@chat/test-harness';

/** Creates a room as `owner` and returns it (expects 201). */
export function createRoom(api: Api, owner: TestUser, visibility: RoomVisibility = 'private', name?: string): Promise<MyRoom> {
  return api.expectStatus<MyRoom>(201, 'POST', '/api/rooms', {
    token: owner.token,
    body: { name: name ?? `room ${randomId(3)}`, visibility },
  });
}

export function addMember(api: Api, actor: TestUser, roomId: string, userId: string): Promise<Member> {
  return api.expectStatus<Member>(201, 'POST', `/api/rooms/${roomId}/members`, { token: actor.token, body: { userId } });
}

export function joinRoom(api: Api, user: TestUser, roomId: string): Promise<MyRoom> {
  return api.expectStatus<MyRoom>(200, 'POST', `/api/rooms/${roomId}/join`, { token: user.token, body: {} });
}

export async function leaveRoom(api: Api, user: TestUser, roomId: string): Promise<void> {
  await api.expectStatus<unknown>(204, 'POST', `/api/rooms/${roomId}/leave`, { token: user.token, body: {} });
}

export function myRooms(api: Api, user: TestUser): Promise<MyRoom[]> {
  return api.expectStatus<MyRoom[]>(200, 'GET', '/api/rooms', { token: user.token });
}

export async function myRoom(api: Api, user: TestUser, roomId: string): Promise<MyRoom> {
  const rooms = await myRooms(api, user);
  const room = rooms.find((candidate) => candidate.id === roomId);
  if (!room) throw new Error(`room ${roomId} not in GET /api/rooms of ${user.username}: ${JSON.stringify(rooms.map((r) => r.id))}`);
  return room;
}

/**
 * The room's head seq as `user` sees it: where a test's own events start once the room is set up (the
 * set-up's joins and additions are room notices, which take seqs like messages).
 */
export async function headSeq(api: Api, user: TestUser, roomId: string): Promise<number> {
  return (await myRoom(api, user, roomId)).lastSeq;
}

/** The messages people wrote, without room notices. */
export function withoutNotices(messages: readonly Message[]): Message[] {
  return messages.filter((message) => !message.notice);
}

export function newClientMsgId(): string {
  return `cm-${randomId(8)}`;
}

/** Sends a message and returns it; fails with the ack's error otherwise. */
/** Sends and answers the stored message; with `threadRootId`, a reply in that thread. */
export async function send(
  client: ChatClient,
  roomId: string,
  body: string,
  clientMsgId = newClientMsgId(),
  threadRootId?: string,
): Promise<Message> {
  const ack = await client.request(
    'message:send',
    threadRootId ? { roomId, clientMsgId, body, threadRootId } : { roomId, clientMsgId, body },
  );
  if (!ack.ok) throw new Error(`${client.label}: message:send refused: ${JSON.stringify(ack.error)}`);
  return ack.message;
}

export async function sync(client: ChatClient, roomId: string, afterSeq: number, limit?: number): Promise<SyncResult> {
  const ack = await client.request('room:sync', limit === undefined ? { roomId, afterSeq } : { roomId, afterSeq, limit });
  if (!ack.ok) throw new Error(`${client.label}: room:sync refused: ${JSON.stringify(ack.error)}`);
  return { messages: ack.messages, hasMore: ack.hasMore, lastSeq: ack.lastSeq };
}

/** Every message of a room via GET history, newest first, following `before` until hasMore is false. */
export async function fullHistory(api: Api, user: TestUser, roomId: string): Promise<Message[]> {
  const all: Message[] = [];
  let before: number | undefined;
  for (let page = 0; page < 100; page += 1) {
    const query = before === undefined ? '?limit=100' : `?limit=100&before=${before}`;
    const res = await api.expectStatus<{ messages: Message[]; hasMore: boolean }>(200, 'GET', `/api/rooms/${roomId}/messages${query}`, {
      token: user.token,
    });
    all.push(...res.messages);
    if (!res.hasMore || res.messages.length === 0) return all;
    before = res.messages[res.messages.length - 1]?.seq;
  }
  throw new Error('history did not end after 100 pages');
}

export function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i <= to; i += 1) out.push(i);
  return out;
}
