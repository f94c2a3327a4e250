/**
 * Character rules for text that PostgreSQL stores and the UI shows. Server validation and the client
 * share them, so a field is refused with VALIDATION_FAILED naming it before it reaches the database.
 */

/** C0 controls PostgreSQL cannot hold (NUL) or the UI should never draw; tab, newline and carriage return stay. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/** Every C0 control and DEL: names, usernames, queries and ids are single-line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_IN_LINE = /[\u0000-\u001F\u007F]/;
/** Half of a UTF-16 surrogate pair without its other half (in `u` mode a whole pair is one code point). */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Bidi embeddings, overrides and isolates: they let `\u202Egnp.exe` display as `exe.png`. */
const BIDI_CONTROL = /[\u202A-\u202E\u2066-\u2069]/;

/** Why `value` cannot be stored as free text (bodies, reasons), or null. */
export function textProblem(value: string, field: string): string | null {
  if (CONTROL_IN_TEXT.test(value)) return `${field} must not contain control characters (such as NUL)`;
  if (LONE_SURROGATE.test(value)) return `${field} must be valid Unicode (it has a lone surrogate)`;
  return null;
}

/** Why `value` cannot be a single-line value (queries, ids, passwords), or null. */
export function lineProblem(value: string, field: string): string | null {
  if (CONTROL_IN_LINE.test(value)) return `${field} must not contain control characters, tabs or line breaks`;
  return textProblem(value, field);
}

/** Why `value` cannot be a name others see (room and display names), or null. */
export function nameProblem(value: string, field: string): string | null {
  if (BIDI_CONTROL.test(value)) return `${field} must not contain bidirectional override or isolate characters`;
  return lineProblem(value, field);
}

/**
 * Exactly one emoji of Unicode's recommended (RGI) set, with its ZWJ sequences, flags, keycaps and skin
 * tones (the `v` flag's property of strings; built at run time because the compile target predates it).
 */
const ONE_EMOJI = /* @__PURE__ */ new RegExp('^\\p{RGI_Emoji}$', 'v');

/** Why `value` cannot be a reaction's emoji, or null. */
export function emojiProblem(value: string, field = 'emoji'): string | null {
  return ONE_EMOJI.test(value) ? null : `${field} must be exactly one emoji`;
}

/**
 * Display names that pass for the service or its staff. Compared after folding case, separators,
 * trailing digits and digits that stand in for letters, so "Admin_1", "A d m i n" and "M0derator" count.
 */
const RESERVED_DISPLAY_NAMES = new Set([
  'admin',
  'administrator',
  'root',
  'system',
  'sysadmin',
  'moderator',
  'mod',
  'staff',
  'support',
  'supportteam',
  'official',
  'security',
  'securityteam',
  'chatadmin',
  'chatsupport',
  'chatteam',
]);

function folded(value: string): string {
  return value
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s._\-'"()[\]{}]+/g, '')
    .replace(/\d+$/, '')
    .replace(/0/g, 'o')
    .replace(/[1!|]/g, 'i')
    .replace(/3/g, 'e')
    .replace(/[4@]/g, 'a')
    .replace(/[5$]/g, 's');
}

/** Why `value` cannot be a display name (bad characters, or it impersonates the service or its staff), or null. */
export function displayNameProblem(value: string, field = 'displayName'): string | null {
  const problem = nameProblem(value, field);
  if (problem) return problem;
  if (RESERVED_DISPLAY_NAMES.has(folded(value))) return `${field} is reserved (it could pass for the service or its staff)`;
  return null;
}
