import { LIMITS } from './limits';
import { textProblem } from './text';

/** The stored form of a message body: surrounding white space trimmed. */
export function normalizeBody(body: string): string {
  return body.trim();
}

/** Why a body would be refused, or null when it is acceptable. Server and client share the rule. */
export function bodyProblem(body: unknown): string | null {
  if (typeof body !== 'string') return 'body must be a string';
  const length = normalizeBody(body).length;
  if (length === 0) return 'body must not be empty';
  if (length > LIMITS.messageBodyMax) {
    return `body must be at most ${LIMITS.messageBodyMax} characters (got ${length})`;
  }
  return textProblem(body, 'body');
}
