import { parseMarkdown, safeHref, type MdBlock, type MdInline } from './markdown';

const text = (value: string): MdInline => ({ kind: 'text', text: value });
const paragraph = (...children: MdInline[]): MdBlock => ({ kind: 'paragraph', children });
/** The inline parts of a one-paragraph body. */
function inlineOf(body: string): MdInline[] {
  const blocks = parseMarkdown(body);
  expect(blocks).toHaveLength(1);
  const [only] = blocks;
  if (only?.kind !== 'paragraph') throw new Error(`not one paragraph: ${JSON.stringify(blocks)}`);
  return only.children;
}

describe('parseMarkdown', () => {
  it('leaves plain text alone, line breaks included', () => {
    expect(parseMarkdown('hello there')).toEqual([paragraph(text('hello there'))]);
    expect(parseMarkdown('two\nlines')).toEqual([paragraph(text('two\nlines'))]);
  });

  it('reads bold, italic, strike and inline code', () => {
    expect(inlineOf('**bold** _it_ ~~gone~~ `x < y`')).toEqual([
      { kind: 'strong', children: [text('bold')] },
      text(' '),
      { kind: 'em', children: [text('it')] },
      text(' '),
      { kind: 'del', children: [text('gone')] },
      text(' '),
      { kind: 'code', text: 'x < y' },
    ]);
  });

  it('reads code blocks, quotes and lists, a list right after a line of text too', () => {
    expect(parseMarkdown('```js\nlet a = 1 < 2;\n```')).toEqual([{ kind: 'code', text: 'let a = 1 < 2;' }]);
    expect(parseMarkdown('> quoted *text*')).toEqual([
      { kind: 'quote', children: [paragraph(text('quoted '), { kind: 'em', children: [text('text')] })] },
    ]);
    expect(parseMarkdown('Sure:\n1. log out\n2. log in')).toEqual([
      paragraph(text('Sure:')),
      { kind: 'list', ordered: true, start: 1, items: [[paragraph(text('log out'))], [paragraph(text('log in'))]] },
    ]);
    expect(parseMarkdown('3. three\n4. four')).toMatchObject([{ kind: 'list', ordered: true, start: 3 }]);
    expect(parseMarkdown('- [ ] task\n- done')).toEqual([
      { kind: 'list', ordered: false, start: 1, items: [[paragraph(text('[ ] task'))], [paragraph(text('done'))]] },
    ]);
  });

  it('keeps what a chat does not format as typed: headings, rules, raw HTML, images', () => {
    expect(parseMarkdown('# Title')).toEqual([paragraph(text('# Title'))]);
    expect(parseMarkdown('---')).toEqual([paragraph(text('---'))]);
    expect(inlineOf('<img src=x onerror="alert(1)"> <b>hi</b>')).toEqual([text('<img src=x onerror="alert(1)"> <b>hi</b>')]);
    // No HTML blocks either: a line that starts with a tag is a paragraph, read like any other.
    expect(inlineOf('<script>alert(2)</script> docs: https://example.com/a and **this**')).toEqual([
      text('<script>alert(2)</script> docs: '),
      { kind: 'link', href: 'https://example.com/a', children: [text('https://example.com/a')] },
      text(' and '),
      { kind: 'strong', children: [text('this')] },
    ]);
    expect(parseMarkdown('<div>\n*a*\n</div>')).toEqual([
      paragraph(text('<div>\n'), { kind: 'em', children: [text('a')] }, text('\n</div>')),
    ]);
    expect(inlineOf('![pic](https://example.com/a.png)')).toEqual([text('![pic](https://example.com/a.png)')]);
    expect(inlineOf('\\*not italic\\*')).toEqual([text('*not italic*')]);
  });

  it('turns :shortcode: into its emoji, but not in code and not unknown ones', () => {
    expect(inlineOf('ship it :rocket::tada: :nope: `:tada:`')).toEqual([
      text('ship it '),
      { kind: 'emoji', text: '🚀', name: 'rocket' },
      { kind: 'emoji', text: '🎉', name: 'tada' },
      text(' :nope: '),
      { kind: 'code', text: ':tada:' },
    ]);
  });

  it('marks @names as the server reads them (not inside a word or code), a full stop after one left out', () => {
    expect(inlineOf('hi @Bob. and me@example.com, @room `@carol`')).toEqual([
      text('hi '),
      { kind: 'mention', text: '@Bob', name: 'bob' },
      text('. and me@example.com, '),
      { kind: 'mention', text: '@room', name: 'room' },
      text(' '),
      { kind: 'code', text: '@carol' },
    ]);
  });

  describe('links', () => {
    it('links written links and bare http(s) and www. addresses, leaving the sentence’s punctuation out', () => {
      expect(inlineOf('see https://example.com/a?b=1#c and www.example.com.')).toEqual([
        text('see '),
        { kind: 'link', href: 'https://example.com/a?b=1#c', children: [text('https://example.com/a?b=1#c')] },
        text(' and '),
        { kind: 'link', href: 'https://www.example.com/', children: [text('www.example.com')] },
        text('.'),
      ]);
      expect(inlineOf('[the **docs**](https://example.com/docs)')).toEqual([
        { kind: 'link', href: 'https://example.com/docs', children: [text('the '), { kind: 'strong', children: [text('docs')] }] },
      ]);
    });

    it('keeps a closing parenthesis that belongs to the URL', () => {
      const [, link] = inlineOf('(https://en.wikipedia.org/wiki/Foo_(bar))');
      expect(link).toMatchObject({ kind: 'link', href: 'https://en.wikipedia.org/wiki/Foo_(bar)' });
    });

    it('never links other schemes, written or bare: they stay text as typed', () => {
      for (const body of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'vbscript:x', 'file:///etc/passwd']) {
        expect(inlineOf(body)).toEqual([text(body)]);
      }
      for (const body of ['[click](javascript:alert(1))', '[x](JaVaScRiPt:alert(1))', '<javascript:alert(1)>', '[d](data:text/html,hi)']) {
        expect(inlineOf(body)).toEqual([text(body)]);
      }
    });

    it('stops a bare URL at an angle bracket (GFM), so markup after it stays text; quotes in it are encoded', () => {
      const [link, rest] = inlineOf('https://example.com/"><img src=x onerror=alert(1)>');
      expect(link).toMatchObject({ kind: 'link', href: 'https://example.com/%22%3E' });
      expect(rest).toEqual(text('<img src=x onerror=alert(1)>'));
    });

    it('does not link URLs with credentials', () => {
      expect(safeHref('https://user:pass@example.com')).toBeNull();
      expect(safeHref('https://example.com')).toBe('https://example.com/');
    });
  });
});
