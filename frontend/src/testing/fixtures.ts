import type { Message, MessageSender, MyRoom } from '@chat/contracts';

export const ALICE: MessageSender = { id: 'u-alice', username: 'alice', displayName: 'Alice' };
export const BOB: MessageSender = { id: 'u-bob', username: 'bob', displayName: 'Bob' };

/** A message whose id, clientMsgId and time derive from its seq. */
export function message(seq: number, patch: Partial<Message> = {}): Message {
  return {
    id: `m${seq}`,
    roomId: 'r1',
    seq,
    updatedSeq: seq,
    clientMsgId: `c${seq}`,
    sender: ALICE,
    body: `hello ${seq}`,
    createdAt: new Date(Date.UTC(2024, 0, 1, 12, 0, seq)).toISOString(),
    editedAt: null,
    deletedAt: null,
    reactions: [],
    mentions: [],
    threadRootId: null,
    replyCount: 0,
    lastReplyAt: null,
    ...patch,
  };
}

export function myRoom(patch: Partial<MyRoom> = {}): MyRoom {
  return {
    id: 'r1',
    name: 'general',
    kind: 'channel',
    visibility: 'public',
    createdAt: '2024-01-01T00:00:00.000Z',
    lastSeq: 0,
    memberCount: 2,
    lastActivityAt: null,
    peer: null,
    lastReadSeq: 0,
    unread: 0,
    mentions: 0,
    myRole: 'member',
    ...patch,
  };
}

/** Lets pending promise callbacks run. */
export function flushPromises(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
