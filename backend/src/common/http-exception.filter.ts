import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { ERROR_HTTP_STATUS, ErrorBody, ErrorCode } from '@chat/contracts';
import { AppError } from './app-error';
import { errorStack, errorSummary } from './error-summary';
import { toAppError } from './to-app-error';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.NOT_FOUND,
  [HttpStatus.BAD_REQUEST]: ErrorCode.VALIDATION_FAILED,
  [HttpStatus.CONFLICT]: ErrorCode.CONFLICT,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.RATE_LIMITED,
  [HttpStatus.PAYLOAD_TOO_LARGE]: ErrorCode.PAYLOAD_TOO_LARGE,
  [HttpStatus.SERVICE_UNAVAILABLE]: ErrorCode.UNAVAILABLE,
};

/** Every REST error leaves as `{ error: { code, message } }` with the contract's status. */
@Catch()
export class HttpErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger(HttpErrorFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const error = this.toError(exception);
    if (error.code === ErrorCode.INTERNAL) this.logger.error(errorSummary(exception), errorStack(exception));
    const body: ErrorBody = { error: error.toApiError() };
    if (error.retryAfterMs !== undefined) response.setHeader('Retry-After', String(Math.ceil(error.retryAfterMs / 1000)));
    response.status(ERROR_HTTP_STATUS[error.code]).json(body);
  }

  private toError(exception: unknown): AppError {
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      // Framework errors (unknown route, body parser limits, JSON syntax) keep their own status.
      const code = STATUS_CODES[status] ?? (status < 500 ? ErrorCode.VALIDATION_FAILED : ErrorCode.INTERNAL);
      return new AppError(code, exception.message);
    }
    return toAppError(exception);
  }
}
