import { IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, MaxLength, Min } from 'class-validator';
import * as Wire from '../lib/admin';
import { LIMITS } from '../lib/limits';
import { UserSearchQuery } from './rest.dto';
import { IsLine, IsText } from './text.rules';

export class AdminListQuery extends UserSearchQuery implements Wire.AdminListQuery {
  @IsOptional()
  @IsString()
  @MaxLength(512)
  @IsLine()
  cursor?: string;
}

export class BanRequest implements Wire.BanRequest {
  @IsString()
  @Length(1, LIMITS.banReasonMax)
  @IsText()
  reason!: string;
}

export class AuditQuery implements Wire.AuditQuery {
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.adminPageMax)
  limit?: number;

  @IsOptional()
  @IsString()
  @MaxLength(512)
  @IsLine()
  cursor?: string;

  @IsOptional()
  @IsString()
  @Length(1, LIMITS.usernameMax)
  @IsLine()
  actor?: string;

  @IsOptional()
  @IsIn(Wire.AUDIT_ACTIONS)
  action?: Wire.AuditAction;

  @IsOptional()
  @IsUUID()
  targetId?: string;
}
