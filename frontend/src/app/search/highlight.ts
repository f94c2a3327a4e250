/** A run of text, and whether it is (the start of) a searched word. */
export interface TextPart {
  text: string;
  match: boolean;
}

/** Letters and digits of any script; everything else separates words, as PostgreSQL's parser mostly does. */
const SEPARATORS = /[^\p{L}\p{N}]+/u;

/** The words of a query, lowercased, longest first (so the longest of overlapping prefixes is marked). */
export function queryTerms(query: string): string[] {
  const words = query.toLowerCase().split(SEPARATORS).filter(Boolean);
  return [...new Set(words)].sort((a, b) => b.length - a.length);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Where a word starts with one of the terms (the server matches words by prefix), case-insensitively. */
function termPattern(terms: readonly string[]): RegExp | null {
  if (terms.length === 0) return null;
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escapeRegExp).join('|')})`, 'giu');
}

/**
 * Splits `text` into runs, marking each searched word's matching start ("deplo" in "deployed"). Plain
 * text in, plain text out: the view shows the runs as text nodes, never as HTML.
 */
export function highlight(text: string, terms: readonly string[]): TextPart[] {
  const pattern = termPattern(terms);
  const parts: TextPart[] = [];
  let at = 0;
  for (const found of pattern ? text.matchAll(pattern) : []) {
    if (found.index > at) parts.push({ text: text.slice(at, found.index), match: false });
    parts.push({ text: found[0], match: true });
    at = found.index + found[0].length;
  }
  if (at < text.length || parts.length === 0) parts.push({ text: text.slice(at), match: false });
  return parts;
}

/**
 * At most about `max` characters of `body` around its first match, with "…" where it was cut, so a
 * match deep in a long message still shows. Cuts fall on spaces when there is one near.
 */
export function excerpt(body: string, terms: readonly string[], max = 280): string {
  const text = body.replace(/\s+/g, ' ').trim();
  if (text.length <= max) return text;
  const first = termPattern(terms)?.exec(text)?.index ?? 0;
  let start = Math.max(0, Math.min(first - Math.floor(max / 3), text.length - max));
  const space = text.lastIndexOf(' ', start);
  if (start > 0 && space >= 0 && start - space < 20) start = space + 1;
  let end = Math.min(text.length, start + max);
  const endSpace = text.indexOf(' ', end);
  if (end < text.length && endSpace >= 0 && endSpace - end < 20) end = endSpace;
  return `${start > 0 ? '…' : ''}${text.slice(start, end)}${end < text.length ? '…' : ''}`;
}
