import { ErrorCode } from '@chat/contracts';
import { AppError } from './app-error';
import { sqlstateOf } from './error-summary';

// Error codes of node-postgres and of PostgreSQL that mean "the database is not reachable right now".
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);
const UNAVAILABLE_SQLSTATE_CLASSES = ['08', '53', '57']; // connection, resources, operator intervention (incl. statement timeout)

function looksUnavailable(error: Error & { code?: unknown }): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (UNAVAILABLE_NODE_CODES.has(code)) return true;
  if (code.length === 5 && UNAVAILABLE_SQLSTATE_CLASSES.includes(code.slice(0, 2))) return true;
  return /timeout|terminat|Connection (ended|terminated)|not queryable|connect/i.test(error.message);
}

/**
 * Maps anything thrown below a handler to a contract error: outages become UNAVAILABLE, a value
 * PostgreSQL refuses (SQLSTATE class 22, data exception: a NUL byte, a number out of range) that
 * validation let through VALIDATION_FAILED, the rest INTERNAL.
 */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof Error) {
    const driverError = (error as { driverError?: unknown }).driverError;
    const cause = driverError instanceof Error ? driverError : error;
    const sqlstate = sqlstateOf(cause);
    if (sqlstate?.startsWith('22')) {
      return new AppError(ErrorCode.VALIDATION_FAILED, `The database refused a value of this request (SQLSTATE ${sqlstate})`);
    }
    if (looksUnavailable(cause)) return AppError.unavailable();
  }
  return new AppError(ErrorCode.INTERNAL, 'Internal error');
}
