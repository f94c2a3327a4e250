import { linkify, safeHref } from './linkify';

describe('linkify', () => {
  it('leaves plain text alone', () => {
    expect(linkify('hello there')).toEqual([{ text: 'hello there', href: null }]);
  });

  it('turns http and https URLs into links, keeping the text around them', () => {
    expect(linkify('see https://example.com/a?b=1#c and http://x.org.')).toEqual([
      { text: 'see ', href: null },
      { text: 'https://example.com/a?b=1#c', href: 'https://example.com/a?b=1#c' },
      { text: ' and ', href: null },
      { text: 'http://x.org', href: 'http://x.org/' },
      { text: '.', href: null },
    ]);
  });

  it('links www. addresses over https', () => {
    expect(linkify('www.example.com')).toEqual([{ text: 'www.example.com', href: 'https://www.example.com/' }]);
  });

  it('keeps a closing parenthesis that belongs to the URL, drops one that closes the sentence', () => {
    expect(linkify('(https://en.wikipedia.org/wiki/Foo_(bar))').map((s) => s.text)).toEqual([
      '(',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      ')',
    ]);
  });

  it('never links other schemes', () => {
    for (const body of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'JaVaScRiPt:alert(1)', 'vbscript:x', 'file:///etc/passwd']) {
      expect(linkify(body)).toEqual([{ text: body, href: null }]);
    }
  });

  it('stops a URL at angle brackets and quotes, so markup stays text', () => {
    const segments = linkify('https://example.com/"><img src=x onerror=alert(1)>');
    expect(segments[0]).toEqual({ text: 'https://example.com/', href: 'https://example.com/' });
    expect(segments[1]).toEqual({ text: '"><img src=x onerror=alert(1)>', href: null });
  });

  it('does not link URLs with credentials', () => {
    expect(safeHref('https://user:pass@example.com')).toBeNull();
    expect(safeHref('https://example.com')).toBe('https://example.com/');
  });
});
