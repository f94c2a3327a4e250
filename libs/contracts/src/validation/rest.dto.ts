import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
} from 'class-validator';
import { LIMITS, USERNAME_PATTERN } from '../lib/limits';
import { IsAcceptedPassword, IsDisplayName, IsLine, IsName } from './text.rules';
import type { RoomVisibility } from '../lib/models';
import type * as Wire from '../lib/rest';

// Numeric query fields are converted from strings by the server's implicit conversion.

export class RegisterRequest implements Wire.RegisterRequest {
  @IsString()
  @Length(LIMITS.usernameMin, LIMITS.usernameMax)
  @Matches(USERNAME_PATTERN, { message: 'username may only contain a-z, 0-9, _, . and -' })
  username!: string;

  @IsString()
  @Length(LIMITS.passwordMin, LIMITS.passwordMax)
  @IsAcceptedPassword()
  password!: string;

  @IsOptional()
  @IsString()
  @Length(1, LIMITS.displayNameMax)
  @IsDisplayName()
  displayName?: string;
}

export class LoginRequest implements Wire.LoginRequest {
  @IsString()
  @MaxLength(LIMITS.usernameMax)
  @IsLine()
  username!: string;

  @IsString()
  @MaxLength(LIMITS.passwordMax)
  @IsLine()
  password!: string;
}

export class LogoutRequest implements Wire.LogoutRequest {
  @IsOptional()
  @IsBoolean()
  all?: boolean;
}

export class UpdateProfileRequest implements Wire.UpdateProfileRequest {
  @IsString()
  @Length(1, LIMITS.displayNameMax)
  displayName!: string;
}

export class ChangePasswordRequest implements Wire.ChangePasswordRequest {
  @IsString()
  @MaxLength(LIMITS.passwordMax)
  currentPassword!: string;

  @IsString()
  @Length(LIMITS.passwordMin, LIMITS.passwordMax)
  newPassword!: string;
}

export class CreateRoomRequest implements Wire.CreateRoomRequest {
  @IsString()
  @Length(LIMITS.roomNameMin, LIMITS.roomNameMax)
  @IsName()
  name!: string;

  @IsIn(['public', 'private'])
  visibility!: RoomVisibility;
}

export class AddMemberRequest implements Wire.AddMemberRequest {
  @IsUUID()
  userId!: string;
}

export class UpdateRoomRequest implements Wire.UpdateRoomRequest {
  @IsOptional()
  @IsString()
  @Length(LIMITS.roomNameMin, LIMITS.roomNameMax)
  @IsName()
  name?: string;

  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.roomTopicMax)
  @IsName()
  topic?: string;
}

export class TransferOwnerRequest implements Wire.TransferOwnerRequest {
  @IsUUID()
  userId!: string;
}

export class CreateDmRequest implements Wire.CreateDmRequest {
  @ValidateIf((request: CreateDmRequest) => request.userIds === undefined)
  @IsUUID()
  userId?: string;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(LIMITS.dmMembersMax - 1)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  userIds?: string[];
}

export class PublicRoomsQuery implements Wire.PublicRoomsQuery {
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchQueryMax)
  @IsLine()
  query?: string;
}

export class UserSearchQuery implements Wire.UserSearchQuery {
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.searchQueryMax)
  @IsLine()
  query?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.adminPageMax)
  limit?: number;
}

export class MessageSearchQuery implements Wire.MessageSearchQuery {
  @IsString()
  @Length(1, LIMITS.messageSearchQueryMax)
  @Matches(/\S/, { message: 'q must not be blank' })
  @IsLine()
  q!: string;

  @IsOptional()
  @IsUUID()
  roomId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(256)
  @IsLine()
  before?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.messageSearchPageMax)
  limit?: number;
}

export class ThreadQuery implements Wire.ThreadQuery {
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(LIMITS.seqMax)
  after?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.historyPageMax)
  limit?: number;
}

export class HistoryQuery implements Wire.HistoryQuery {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.seqMax)
  before?: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.historyPageMax)
  limit?: number;
}
