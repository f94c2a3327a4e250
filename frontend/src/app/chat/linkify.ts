/** A run of a message body: plain text, or a web link to render as an anchor. */
export type BodySegment = { text: string; href: null } | { text: string; href: string };

// Candidate URLs: http(s):// or www. up to white space or an angle bracket.
const CANDIDATE = /\b(?:https?:\/\/|www\.)[^\s<>"]+/gi;
// Punctuation that usually ends the sentence rather than the URL.
const TRAILING = /[.,;:!?'")\]}]+$/;

/** The safe href for a link the user wrote, or null if it is not a plain http(s) URL. */
export function safeHref(candidate: string): string | null {
  const raw = /^www\./i.test(candidate) ? `https://${candidate}` : candidate;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (!url.hostname || url.username || url.password) return null;
  return url.href;
}

/** Keeps a closing parenthesis that belongs to the URL, as in wiki links: `.../Foo_(bar)`. */
function trimTrailing(candidate: string): string {
  let end = candidate.replace(TRAILING, '');
  const rest = candidate.slice(end.length);
  if (rest.startsWith(')') && (end.match(/\(/g)?.length ?? 0) > (end.match(/\)/g)?.length ?? 0)) end += ')';
  return end;
}

/**
 * Splits a body into text and links. Only http/https links are made; everything else stays text,
 * which the template renders with text bindings (never innerHTML).
 */
export function linkify(body: string): BodySegment[] {
  const segments: BodySegment[] = [];
  let last = 0;
  const pushText = (text: string) => {
    if (!text) return;
    const prev = segments[segments.length - 1];
    if (prev && prev.href === null) prev.text += text;
    else segments.push({ text, href: null });
  };
  for (const match of body.matchAll(CANDIDATE)) {
    const start = match.index ?? 0;
    const text = trimTrailing(match[0]);
    const href = safeHref(text);
    if (!href) continue;
    pushText(body.slice(last, start));
    segments.push({ text, href });
    last = start + text.length;
  }
  pushText(body.slice(last));
  return segments;
}
