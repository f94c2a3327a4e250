import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type * as Wire from '../lib/admin';
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
