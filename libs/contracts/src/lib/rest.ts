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

export interface CreateDmRequest {
  userId: string;
}

export interface PublicRoomsQuery {
  query?: string;
}

export interface UserSearchQuery {
  query?: string;
  limit?: number;
}

export interface HistoryQuery {
  /** Return messages with seq < before (newest first). Omit for the newest page. */
  before?: number;
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

/** Cursor-paged lists (admin). */
export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

export type MyRoomList = MyRoom[];

export interface LiveCheck {
  status: 'ok';
}

export interface ReadyCheck {
  status: 'ok' | 'error';
  checks: Record<string, { up: boolean; message?: string }>;
}
