import { ApiError, ErrorCode, FieldError } from '@chat/contracts';

/** A failure with a contract error code; REST and socket layers turn it into the contract's error shape. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields?: FieldError[],
    /** RATE_LIMITED: when the caller may try again. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  toApiError(): ApiError {
    const error: ApiError = { code: this.code, message: this.message };
    if (this.fields) error.fields = this.fields;
    if (this.retryAfterMs !== undefined) error.retryAfterMs = this.retryAfterMs;
    return error;
  }

  /** Over a limit: the answer says when to try again (at least 1 ms, whole milliseconds). */
  static rateLimited(message: string, retryAfterMs: number): AppError {
    return new AppError(ErrorCode.RATE_LIMITED, message, undefined, Math.max(1, Math.ceil(retryAfterMs)));
  }

  static notFound(what: string): AppError {
    return new AppError(ErrorCode.NOT_FOUND, `${what} not found`);
  }

  static forbidden(message: string): AppError {
    return new AppError(ErrorCode.FORBIDDEN, message);
  }

  /** The actor is not a member of a room they act on. */
  static notMember(): AppError {
    return new AppError(ErrorCode.FORBIDDEN, 'You are not a member of this room');
  }

  /** The room is archived: readable, no longer writable. */
  static roomArchived(): AppError {
    return new AppError(ErrorCode.FORBIDDEN, 'This room is archived');
  }

  static conflict(message: string): AppError {
    return new AppError(ErrorCode.CONFLICT, message);
  }

  static validation(fields: FieldError[]): AppError {
    const message = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
    return new AppError(ErrorCode.VALIDATION_FAILED, message || 'invalid input', fields);
  }

  static unavailable(message = 'The service is temporarily unavailable, try again'): AppError {
    return new AppError(ErrorCode.UNAVAILABLE, message);
  }
}
