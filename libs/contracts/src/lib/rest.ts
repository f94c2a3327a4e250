import type { Message, MyRoom, User, RoomVisibility } from './models';

// Request bodies and queries. The server validates them with the classes of
// `@chat/contracts/validation`, which implement these interfaces.
// Numeric query fields arrive as strings and are converted by the server.

export interface RegisterRequest {
  username: string;
  password: string;
  displayName?: string;
}

export interface LoginRequest {
  username: string;
  password: string;
}

/** `POST /api/auth/logout`: without `all`, only the token the call was made with. */
export interface LogoutRequest {
  all?: boolean;
}

/** `PATCH /api/me`. */
export interface UpdateProfileRequest {
  displayName: string;
}

/** `POST /api/me/password`: every other token of the user is revoked; the caller's stays valid. */
export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

export interface CreateRoomRequest {
  name: string;
  visibility: RoomVisibility;
}

export interface AddMemberRequest {
  userId: string;
}

/** Added: `PATCH /api/rooms/:id` (the owner or an admin): the fields given change, each as a room notice. */
export interface UpdateRoomRequest {
  name?: string;
  topic?: string;
}

/** Added: `POST /api/rooms/:id/owner` (the owner or an admin): makes a member the owner; the old owner stays a member. */
export interface TransferOwnerRequest {
  userId: string;
}

/**
 * `POST /api/dms`: `{userId}` for the DM of a pair (contract), or (added) `{userIds}` for the group DM of
 * me and 1 to 7 others: the same room every time for the same people, whoever asks.
 */
export interface CreateDmRequest {
  userId?: string;
  userIds?: string[];
}

export interface PublicRoomsQuery {
  query?: string;
}

export interface UserSearchQuery {
  query?: string;
  limit?: number;
}

/**
 * `GET /api/search`: full-text search of the messages of my rooms, newest first. Every word of `q`
 * must occur in a message, each as a word or the start of one, case-insensitively.
 */
export interface MessageSearchQuery {
  q: string;
  /** Only this room (one I am a member of). */
  roomId?: string;
  /** Opaque: the `nextCursor` of the previous page. Omit for the newest matches. */
  before?: string;
  limit?: number;
}

export interface HistoryQuery {
  /** Return messages with seq < before (newest first). Omit for the newest page. */
  before?: number;
  limit?: number;
}

/** `GET /api/messages/:id/thread`: replies with seq > after, ascending. */
export interface ThreadQuery {
  after?: number;
  limit?: number;
}

// Responses.

export interface AuthResponse {
  accessToken: string;
  user: User;
}

/** `GET /api/rooms/:id/messages`: newest first. */
export interface HistoryPage {
  messages: Message[];
  hasMore: boolean;
}

/** A thread's replies (the root excluded), ascending by seq. */
export interface ThreadPage {
  messages: Message[];
  hasMore: boolean;
}

/** Cursor-paged lists (admin, search). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

/** One match of `GET /api/search`: the message and the room it is in, as I see the room. */
export interface SearchHit {
  message: Message;
  roomId: string;
  /** The room's name; for a direct message, the other member's display name. */
  roomName: string;
}

/** `GET /api/search`: newest first; `nextCursor` goes into the next request's `before`. */
export type SearchPage = CursorPage<SearchHit>;

export type MyRoomList = MyRoom[];

export interface LiveCheck {
  status: 'ok';
}

export interface ReadyCheck {
  status: 'ok' | 'error';
  checks: Record<string, { up: boolean; message?: string }>;
}
