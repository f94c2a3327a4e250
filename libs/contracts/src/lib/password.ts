import { COMMON_PASSWORDS } from './common-passwords';
import { LIMITS } from './limits';
import { lineProblem } from './text';

const COMMON = new Set(COMMON_PASSWORDS);

/** One character repeated, or a run up or down the character table ("abcdefgh", "87654321"). */
function isRunOrRepeat(password: string): boolean {
  const codes = [...password].map((c) => c.codePointAt(0) ?? 0);
  const step = (codes[1] ?? 0) - (codes[0] ?? 0);
  return Math.abs(step) <= 1 && codes.every((code, i) => i === 0 || code - (codes[i - 1] ?? 0) === step);
}

/**
 * Why `password` would be refused, or null. Length over composition (NIST SP 800-63B): 8-128
 * characters of anything printable, but not blank, not one character repeated or a plain run, not one
 * of the most common passwords, and not containing the username.
 */
export function passwordProblem(password: string, username?: string): string | null {
  const length = [...password].length;
  if (length < LIMITS.passwordMin || length > LIMITS.passwordMax) {
    return `password must be ${LIMITS.passwordMin} to ${LIMITS.passwordMax} characters`;
  }
  const characters = lineProblem(password, 'password');
  if (characters) return characters;
  const lower = password.toLowerCase();
  if (!password.trim() || isRunOrRepeat(password)) return 'password is too easy to guess (a repeated character or a run)';
  if (COMMON.has(lower) || COMMON.has(lower.trim())) return 'password is one of the most common passwords';
  const name = username?.trim().toLowerCase();
  if (name && name.length >= LIMITS.usernameMin && lower.includes(name)) return 'password must not contain the username';
  return null;
}
