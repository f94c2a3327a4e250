import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';
import { LIMITS } from '../lib/limits';
import type * as Wire from '../lib/socket';
import { IsEmoji, IsLine, IsText } from './text.rules';

export class SendMessageRequest implements Wire.SendMessageRequest {
  @IsUUID()
  roomId!: string;

  @IsString()
  @Length(1, LIMITS.clientMsgIdMax)
  @IsLine()
  clientMsgId!: string;

  /** Length is checked after trimming, by the server. */
  @IsString()
  @IsText()
  body!: string;

  @IsOptional()
  @IsUUID()
  threadRootId?: string;
}

export class EditMessageRequest implements Wire.EditMessageRequest {
  @IsUUID()
  messageId!: string;

  @IsString()
  @IsText()
  body!: string;
}

export class DeleteMessageRequest implements Wire.DeleteMessageRequest {
  @IsUUID()
  messageId!: string;
}

export class ReactionRequest implements Wire.ReactionRequest {
  @IsUUID()
  messageId!: string;

  @IsString()
  @IsEmoji()
  emoji!: string;
}

export class SyncRequest implements Wire.SyncRequest {
  @IsUUID()
  roomId!: string;

  @IsInt()
  @Min(0)
  @Max(LIMITS.seqMax)
  afterSeq!: number;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(LIMITS.syncPageMax)
  limit?: number;
}

export class ReadRequest implements Wire.ReadRequest {
  @IsUUID()
  roomId!: string;

  @IsInt()
  @Min(0)
  @Max(LIMITS.seqMax)
  seq!: number;
}

export class TypingRequest implements Wire.TypingRequest {
  @IsUUID()
  roomId!: string;

  @IsBoolean()
  typing!: boolean;
}
