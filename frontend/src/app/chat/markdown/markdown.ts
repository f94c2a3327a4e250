import { EMOJI_BY_NAME } from '@chat/contracts';
import { Lexer, Tokenizer, type MarkedOptions, type Token, type Tokens } from 'marked';

/**
 * A message body's Markdown, as a tree the template renders with text bindings only (never innerHTML):
 * marked's lexer (GitHub-flavoured) reads it, and only what a chat shows becomes structure: bold, italic,
 * strike, inline code, code blocks, quotes, lists and http(s) links (written, or bare URLs). Raw HTML is
 * not read at all (NoHtml below): `<b>` is text like any other. Everything else stays the text that was typed. `:shortcode:` of the emoji table becomes its
 * emoji (not inside code). The stored body is never changed.
 */
export type MdInline =
  | { kind: 'text'; text: string }
  | { kind: 'emoji'; text: string; name: string }
  /** `@name` as typed; the server says which ones are mentions (Message.mentions). */
  | { kind: 'mention'; text: string; name: string }
  | { kind: 'strong' | 'em' | 'del'; children: MdInline[] }
  | { kind: 'code'; text: string }
  | { kind: 'link'; href: string; children: MdInline[] };

export type MdBlock =
  | { kind: 'paragraph'; children: MdInline[] }
  | { kind: 'code'; text: string }
  | { kind: 'quote'; children: MdBlock[] }
  | { kind: 'list'; ordered: boolean; start: number; items: MdBlock[][] };

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

/** A `:shortcode:`, or an `@name` at the start or after a character that cannot be in a username (as the server reads mentions). */
const SPECIAL = /:([a-z0-9_]+):|(?<![a-zA-Z0-9_.-])@([a-zA-Z0-9_.-]*[a-zA-Z0-9_-])/g;

/** Text with the table's `:shortcode:`s as emoji (unknown ones stay text) and `@name`s marked. */
function withEmoji(text: string): MdInline[] {
  const out: MdInline[] = [];
  let last = 0;
  for (const match of text.matchAll(SPECIAL)) {
    const [whole, shortcode, name] = match;
    const emoji = shortcode ? EMOJI_BY_NAME.get(shortcode) : undefined;
    if (!emoji && !name) continue;
    if (match.index > last) out.push({ kind: 'text', text: text.slice(last, match.index) });
    out.push(
      emoji ? { kind: 'emoji', text: emoji, name: shortcode ?? '' } : { kind: 'mention', text: whole, name: (name ?? '').toLowerCase() },
    );
    last = match.index + whole.length;
  }
  if (last < text.length) out.push({ kind: 'text', text: text.slice(last) });
  return out;
}

/** Adjacent text runs joined (raw fallbacks and escapes come as separate tokens). */
function merged(parts: MdInline[]): MdInline[] {
  const out: MdInline[] = [];
  for (const part of parts) {
    const prev = out[out.length - 1];
    if (part.kind === 'text' && prev?.kind === 'text') out[out.length - 1] = { kind: 'text', text: prev.text + part.text };
    else out.push(part);
  }
  return out;
}

function inline(tokens: readonly Token[] | undefined): MdInline[] {
  const parts: MdInline[] = [];
  for (const token of tokens ?? []) {
    switch (token.type) {
      case 'text': {
        const text = token as Tokens.Text;
        // A list item's text carries its own inline tokens.
        if (text.tokens?.length) parts.push(...inline(text.tokens));
        else parts.push(...withEmoji(text.text));
        break;
      }
      case 'escape':
        parts.push({ kind: 'text', text: (token as Tokens.Escape).text });
        break;
      case 'strong':
      case 'em':
      case 'del':
        parts.push({ kind: token.type, children: merged(inline((token as Tokens.Strong).tokens)) });
        break;
      case 'codespan':
        parts.push({ kind: 'code', text: (token as Tokens.Codespan).text });
        break;
      case 'br':
        parts.push({ kind: 'text', text: '\n' });
        break;
      case 'link': {
        const link = token as Tokens.Link;
        // A bare www. address: over https (marked's GFM autolink would say http).
        const href = safeHref(link.autolink && /^www\./i.test(link.text) ? link.text : link.href);
        if (href) parts.push({ kind: 'link', href, children: merged(inline(link.tokens)) });
        else parts.push({ kind: 'text', text: link.raw });
        break;
      }
      default:
        // Raw HTML, images and whatever else: the text as typed.
        parts.push({ kind: 'text', text: token.raw });
    }
  }
  return merged(parts);
}

function blocks(tokens: readonly Token[]): MdBlock[] {
  const out: MdBlock[] = [];
  // A task list item's "[ ] " goes in front of its text, as typed.
  let prefix: MdInline[] = [];
  const paragraph = (children: MdInline[]) => {
    out.push({ kind: 'paragraph', children: merged([...prefix, ...children]) });
    prefix = [];
  };
  for (const token of tokens) {
    switch (token.type) {
      case 'space':
        break;
      case 'checkbox':
        prefix = [{ kind: 'text', text: token.raw }];
        break;
      case 'paragraph':
        paragraph(inline((token as Tokens.Paragraph).tokens));
        break;
      case 'text': {
        // Loose text at block level (inside list items).
        const text = token as Tokens.Text;
        paragraph(text.tokens?.length ? inline(text.tokens) : withEmoji(text.text));
        break;
      }
      case 'code':
        out.push({ kind: 'code', text: (token as Tokens.Code).text });
        break;
      case 'blockquote':
        out.push({ kind: 'quote', children: blocks((token as Tokens.Blockquote).tokens) });
        break;
      case 'list': {
        const list = token as Tokens.List;
        out.push({
          kind: 'list',
          ordered: list.ordered,
          start: typeof list.start === 'number' ? list.start : 1,
          items: list.items.map((item) => blocks(item.tokens)),
        });
        break;
      }
      default:
        // Headings, rules, tables, raw HTML: a paragraph of the text as typed (a chat is not a document).
        paragraph(withEmoji(token.raw.replace(/\n+$/, '')));
    }
  }
  if (prefix.length) paragraph([]);
  return out;
}

/** marked's tokenizer without its HTML rules: a tag, an HTML block or a comment is read as text. */
class NoHtml extends Tokenizer {
  override html(): undefined {
    return undefined;
  }

  override tag(): undefined {
    return undefined;
  }
}

const OPTIONS: MarkedOptions = { gfm: true, breaks: false, tokenizer: new NoHtml() };

/** The body as blocks to render. */
export function parseMarkdown(body: string): MdBlock[] {
  return blocks(Lexer.lex(body, OPTIONS));
}
