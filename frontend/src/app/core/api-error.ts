import { HttpErrorResponse } from '@angular/common/http';
import type { ApiError, ErrorBody, FieldError } from '@chat/contracts';

const OFFLINE_MESSAGE = 'Cannot reach the server. Check your connection and try again.';
const GENERIC_MESSAGE = 'Something went wrong. Please try again.';

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error: unknown = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    'message' in error &&
    typeof error.message === 'string' &&
    'code' in error &&
    typeof error.code === 'string'
  );
}

/** The contract error carried by a failed REST call, if the server sent one. */
export function apiErrorOf(err: unknown): ApiError | null {
  if (err instanceof HttpErrorResponse && isErrorBody(err.error)) return err.error.error;
  return null;
}

/** A message fit to show the user for any failure of a REST call. */
export function errorMessage(err: unknown): string {
  const apiError = apiErrorOf(err);
  if (apiError) return apiError.message;
  if (err instanceof HttpErrorResponse) {
    if (err.status === 0) return OFFLINE_MESSAGE;
    if (err.status >= 500) return 'The server had a problem. Please try again in a moment.';
  }
  return GENERIC_MESSAGE;
}

/** Per-field messages of a VALIDATION_FAILED error, keyed by field name. */
export function fieldErrors(err: unknown): Readonly<Record<string, string>> {
  const fields: FieldError[] = apiErrorOf(err)?.fields ?? [];
  return Object.fromEntries(fields.map((f) => [f.field, f.message]));
}
