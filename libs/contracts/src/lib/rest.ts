import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { LIMITS, USERNAME_PATTERN } from './limits';
import type { Message, MyRoom, User, RoomVisibility } from './models';

// Request bodies: classes so the server validates them with class-validator.
// Clients use them as types only (`import type`), so the decorators never reach a browser bundle.
// Numeric query fields are converted from strings by the server's implicit conversion.

export class RegisterRequest {
  @IsString()
  @Length(LIMITS.usernameMin, LIMITS.usernameMax)
  @Matches(USERNAME_PATTERN, { message: 'username may only contain a-z, 0-9, _, . and -' })
  username!: string;

  @IsString()
  @Length(LIMITS.passwordMin, LIMITS.passwordMax)
  password!: string;

  @IsOptional()
  @IsString()
  @Length(1, LIMITS.displayNameMax)
  displayName?: string;
}

export class LoginRequest {
  @IsString()
  @MaxLength(LIMITS.usernameMax)
  username!: string;

  @IsString()
  @MaxLength(LIMITS.passwordMax)
  password!: string;
}

export class CreateRoomRequest {
  @IsString()
  @Length(LIMITS.roomNameMin, LIMITS.roomNameMax)
  name!: string;

  @IsIn(['public', 'private'])
  visibility!: RoomVisibility;
}

export class AddMemberRequest {
  @IsUUID()
  userId!: string;
}

export class CreateDmRequest {
  @IsUUID()
  userId!: string;
}

export class PublicRoomsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchQueryMax)
  query?: string;
}

export class UserSearchQuery {
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchQueryMax)
  query?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.adminPageMax)
  limit?: number;
}

export class HistoryQuery {
  /** Return messages with seq < before (newest first). Omit for the newest page. */
  @IsOptional()
  @IsInt()
  @Min(1)
  before?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.historyPageMax)
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
