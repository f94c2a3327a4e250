import type { ApiError } from './errors';
import type { Message, MyRoom, RoomHead, User } from './models';

// Client -> server payloads. The gateway validates them with the classes of
// `@chat/contracts/validation`, which implement these interfaces.

export interface SendMessageRequest {
  roomId: string;
  /** Chosen by the client, unique per room and sender: a resend returns the original message. */
  clientMsgId: string;
  /** 1-4000 characters after trimming. */
  body: string;
  /** Added: a reply in the thread of this top-level message of the same room. */
  threadRootId?: string;
}

export interface EditMessageRequest {
  messageId: string;
  body: string;
}

export interface DeleteMessageRequest {
  messageId: string;
}

/** `reaction:add` and `reaction:remove`: my reaction with `emoji` (one emoji, see Reaction) to a message. */
export interface ReactionRequest {
  messageId: string;
  emoji: string;
}

export interface SyncRequest {
  roomId: string;
  afterSeq: number;
  limit?: number;
}

export interface ReadRequest {
  roomId: string;
  seq: number;
}

export interface TypingRequest {
  roomId: string;
  typing: boolean;
}

// Acknowledgements: `{ ok: true, ... }` or `{ ok: false, error }`.

export interface AckError {
  ok: false;
  error: ApiError;
}

export type AckOk<T extends object = object> = { ok: true } & T;
export type Ack<T extends object = object> = AckOk<T> | AckError;
export type AckCallback<T extends object = object> = (ack: Ack<T>) => void;

export type SendMessageAck = Ack<{ message: Message }>;
export type EditMessageAck = Ack<{ message: Message }>;
export type DeleteMessageAck = Ack;
export type ReactionAck = Ack<{ message: Message }>;
export type SyncAck = Ack<SyncResult>;
export type ReadAck = Ack;
export type TypingAck = Ack;

export interface SyncResult {
  /** Every message with updatedSeq > afterSeq, ascending by updatedSeq. */
  messages: Message[];
  hasMore: boolean;
  lastSeq: number;
}

// Server -> client payloads.

export interface SessionReadyEvent {
  user: User;
  rooms: RoomHead[];
}

export interface MessageNewEvent {
  message: Message;
}

export interface MessageUpdatedEvent {
  message: Message;
}

export interface MessageDeletedEvent {
  roomId: string;
  messageId: string;
  /** Seq of the delete event (the tombstone's updatedSeq). */
  seq: number;
  /** When it was deleted. */
  deletedAt?: string;
}

export interface TypingEvent {
  roomId: string;
  /** `displayName` (added) is what clients show: "Bob Builder is typing…". */
  user: { id: string; username: string; displayName: string };
  typing: boolean;
}

export interface PresenceEvent {
  userId: string;
  online: boolean;
}

export interface RoomJoinedEvent {
  room: MyRoom;
}

export interface RoomLeftEvent {
  roomId: string;
}

/** An admin archived the room; it stays readable, new messages are refused. */
export interface RoomArchivedEvent {
  roomId: string;
  archivedAt: string;
}

/**
 * Added: someone joined or left a room I am in (not a DM): its new member count, to the room's members on
 * every pod (my own joins and leaves come as room:joined / room:left too).
 */
export interface RoomMembersEvent {
  roomId: string;
  userId: string;
  joined: boolean;
  memberCount: number;
}

export interface RoomReadEvent {
  roomId: string;
  seq: number;
}

/**
 * Sent just before the server closes a socket on purpose, so the client can say why: BANNED, DRAINING
 * (reconnect elsewhere), TOKEN_REVOKED (logout, logout everywhere, a password change elsewhere) and
 * TOKEN_EXPIRED (the token the socket authenticated with ran out). Only DRAINING invites a reconnect.
 */
export interface SessionClosedEvent {
  code: 'BANNED' | 'DRAINING' | 'TOKEN_REVOKED' | 'TOKEN_EXPIRED';
  message: string;
}

/** A user who shares a room with me (or I myself) changed their profile, e.g. the display name. */
export interface UserUpdatedEvent {
  user: User;
}

/** Data of the `connect_error` a refused handshake gets. */
export interface ConnectErrorData {
  code: ApiError['code'];
  message: string;
  /** Present on RATE_LIMITED. */
  retryAfterMs?: number;
}

export interface ClientToServerEvents {
  'message:send': (req: SendMessageRequest, ack: AckCallback<{ message: Message }>) => void;
  'message:edit': (req: EditMessageRequest, ack: AckCallback<{ message: Message }>) => void;
  'message:delete': (req: DeleteMessageRequest, ack: AckCallback) => void;
  'reaction:add': (req: ReactionRequest, ack: AckCallback<{ message: Message }>) => void;
  'reaction:remove': (req: ReactionRequest, ack: AckCallback<{ message: Message }>) => void;
  'room:sync': (req: SyncRequest, ack: AckCallback<SyncResult>) => void;
  'room:read': (req: ReadRequest, ack: AckCallback) => void;
  typing: (req: TypingRequest, ack?: AckCallback) => void;
}

export interface ServerToClientEvents {
  'session:ready': (event: SessionReadyEvent) => void;
  'session:closed': (event: SessionClosedEvent) => void;
  'message:new': (event: MessageNewEvent) => void;
  'message:updated': (event: MessageUpdatedEvent) => void;
  'message:deleted': (event: MessageDeletedEvent) => void;
  typing: (event: TypingEvent) => void;
  presence: (event: PresenceEvent) => void;
  'room:joined': (event: RoomJoinedEvent) => void;
  'room:left': (event: RoomLeftEvent) => void;
  'room:read': (event: RoomReadEvent) => void;
  'room:archived': (event: RoomArchivedEvent) => void;
  'room:members': (event: RoomMembersEvent) => void;
  'user:updated': (event: UserUpdatedEvent) => void;
}
