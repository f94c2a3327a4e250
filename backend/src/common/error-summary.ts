/**
 * A one-line description of an error that is safe to log: never a statement's parameters, a value from
 * a driver message ("invalid input syntax for type uuid: \"<value>\""), a body, a hash or a token.
 * Database errors are named by SQLSTATE and the statement's first words; other errors by class and
 * message, which our own code writes without user data.
 */
export function errorSummary(error: unknown): string {
  if (!(error instanceof Error)) return `non-error thrown (${typeof error})`;
  const driverError: unknown = (error as { driverError?: unknown }).driverError;
  const sqlstate = sqlstateOf(driverError) ?? sqlstateOf(error);
  // TypeORM's QueryFailedError copies the driver's message, which may quote a value: name it by code only.
  if (sqlstate) {
    const query: unknown = (error as { query?: unknown }).query;
    return `${error.name}: SQLSTATE ${sqlstate}${typeof query === 'string' ? ` in ${statementName(query)}` : ''}`;
  }
  return `${error.name}: ${error.message}`;
}

/** The SQLSTATE of an error PostgreSQL sent (node-postgres' DatabaseError carries a severity), if it is one. */
export function sqlstateOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null || !('severity' in error)) return undefined;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** A statement's name for the logs: its first words up to the first parameter or literal, e.g. `SELECT * FROM chat_write_batch`. */
export function statementName(text: string): string {
  const words = text.trim().split(/\s+/).slice(0, 6).join(' ');
  return words.split(/[($'"]/)[0]?.trim() || 'statement';
}

/** Where a non-database error was thrown, for the logs; database errors get no stack (it starts with the driver's message). */
export function errorStack(error: unknown): string | undefined {
  if (!(error instanceof Error) || (error as { driverError?: unknown }).driverError !== undefined || sqlstateOf(error)) return undefined;
  return error.stack;
}
