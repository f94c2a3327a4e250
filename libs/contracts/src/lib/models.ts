/** Wire models of the public contract (ids are UUID strings, times ISO-8601 strings). */
export type Role = 'user' | 'admin';
export type RoomKind = 'channel' | 'dm';
export type RoomVisibility = 'public' | 'private';
export type MemberRole = 'owner' | 'member';

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

/** The author of a message, as embedded in it. */
export interface MessageSender {
  id: string;
  username: string;
  displayName: string;
}

export interface Room {
  id: string;
  name: string;
  kind: RoomKind;
  visibility: RoomVisibility;
  createdAt: string;
  lastSeq: number;
  memberCount: number;
  /** Set once an admin archived the room: no new messages, history stays. */
  archivedAt?: string | null;
  /** Time of the newest timeline event, if any. */
  lastActivityAt?: string | null;
  /** DM rooms of two only: the other member (null for a group DM). */
  peer?: MessageSender | null;
  /** Added: DM rooms only: the other members, by display name (one in a DM of two; 2 to 7 in a group DM). */
  people?: MessageSender[];
  /** Added: what the room is about, set by its owner (empty when unset; always empty for a DM). */
  topic?: string;
}

/** A room as seen by one of its members (`GET /api/rooms`). */
export interface MyRoom extends Room {
  lastReadSeq: number;
  unread: number;
  /** Added ("Richer messages"): unread messages (not deleted) that mention me. */
  mentions: number;
  myRole: MemberRole;
}

/** Entry of `GET /api/rooms/:id/members`: the member's user fields plus membership facts. */
export interface Member extends MessageSender {
  /** Same as `id`: the member's user id. */
  userId: string;
  memberRole: MemberRole;
  online: boolean;
  joinedAt: string;
}

export interface Message {
  id: string;
  roomId: string;
  /** Seq of the event that created it. */
  seq: number;
  /** Seq of the latest event that changed it (equals seq until edited or deleted). */
  updatedSeq: number;
  clientMsgId: string;
  sender: MessageSender;
  /** null once deleted (tombstone). */
  body: string | null;
  createdAt: string;
  editedAt: string | null;
  deletedAt: string | null;
  /**
   * Added ("Richer messages"): the emoji reactions, in the order each emoji was first added. Every change
   * (reaction:add, reaction:remove) is a timeline event: it takes the room's next seq, which becomes the
   * message's updatedSeq. Empty for a deleted message.
   */
  reactions: Reaction[];
  /**
   * Added ("Richer messages"): who the body mentions, as user ids: members of the room named `@username`
   * (never the sender), or all of them for `@room` (in rooms of up to LIMITS.roomMentionMembersMax members).
   * Worked out by the server when the body is stored or edited; empty for a deleted message.
   */
  mentions: string[];
  /**
   * Added ("Richer messages"): threads. A reply's root (a top-level message of the same room), null for a
   * top-level message. A root's `replyCount` and `lastReplyAt` change with a `message:updated` event (the
   * room's next seq after the reply's).
   */
  threadRootId: string | null;
  replyCount: number;
  lastReplyAt: string | null;
  /**
   * Added: a room notice rather than something a person wrote (null for every ordinary message). A
   * channel's joins, leaves, additions, removals, renames, topic and owner changes are events of its
   * timeline: each takes the room's next seq like a message, so history, sync, recovery and the Kafka
   * timeline carry them. The sender is
   * who acted; the body says what happened in words ("renamed the room to “x”"), for clients that do not
   * know notices. Notices are never unread, never mention anyone, never match a search, and cannot be
   * edited, reacted to, replied to or deleted (but by an admin).
   */
  notice?: RoomNotice | null;
}

/** What a room notice records; `user` is who was added, removed or made owner, as at that moment. */
export type RoomNotice =
  | { type: 'joined' }
  | { type: 'left' }
  | { type: 'added'; user: MessageSender }
  | { type: 'removed'; user: MessageSender }
  | { type: 'renamed'; name: string }
  | { type: 'topic'; topic: string }
  | { type: 'owner'; user: MessageSender };

/** One emoji's reactions on a message. */
export interface Reaction {
  /** One emoji (Unicode's RGI set: a ZWJ sequence, a flag or a skin tone counts as one). */
  emoji: string;
  count: number;
  /** Who reacted with it, earliest first: at most LIMITS.reactionUserIdsMax of them (count has them all). */
  userIds: string[];
}

/** Entry of `session:ready.rooms`: enough for a client to see which rooms moved. */
export interface RoomHead {
  id: string;
  lastSeq: number;
  lastReadSeq: number;
}
