import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { AckError, ErrorCode } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { errorStack, errorSummary } from '../common/error-summary';
import { toAppError } from '../common/to-app-error';

/**
 * Socket requests never go unanswered: whatever a handler or its pipe throws becomes an error ack
 * `{ ok: false, error: { code, message } }` through the request's own callback.
 */
@Catch()
export class WsAckFilter implements ExceptionFilter {
  private readonly logger = new Logger(WsAckFilter.name);

  catch(exception: unknown, host: ArgumentsHost): void {
    const ack: unknown = host.getArgByIndex(2);
    const error =
      exception instanceof WsException ? new AppError(ErrorCode.VALIDATION_FAILED, String(exception.message)) : toAppError(exception);
    if (error.code === ErrorCode.INTERNAL) this.logger.error(errorSummary(exception), errorStack(exception));
    const reply: AckError = { ok: false, error: error.toApiError() };
    if (typeof ack === 'function') ack(reply);
  }
}
