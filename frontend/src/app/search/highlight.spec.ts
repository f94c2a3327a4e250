import { excerpt, highlight, queryTerms } from './highlight';

const marked = (text: string, query: string) =>
  highlight(text, queryTerms(query))
    .map((part) => (part.match ? `[${part.text}]` : part.text))
    .join('');

describe('search highlighting', () => {
  it('splits a query into lowercased words, longest first, without duplicates', () => {
    expect(queryTerms('  Deploy, the DEPLOY tonight!  ')).toEqual(['tonight', 'deploy', 'the']);
    expect(queryTerms('?!')).toEqual([]);
  });

  it('marks the start of every word that begins with a searched word, whatever its case', () => {
    expect(marked('Deployed it; redeploy later. DEPLOYMENT done', 'deploy')).toBe('[Deploy]ed it; redeploy later. [DEPLOY]MENT done');
    expect(marked('Straße und ÜBER über', 'über strasse')).toBe('Straße und [ÜBER] [über]');
    expect(marked('naïve café', 'caf')).toBe('naïve [caf]é');
  });

  it('marks the longest of overlapping terms', () => {
    expect(marked('deployment', 'dep deploy')).toBe('[deploy]ment');
  });

  it('keeps markup and regular-expression characters as plain text', () => {
    expect(marked('<b>bold</b> a+b (x)', 'b a+b')).toBe('<[b]>[b]old</[b]> [a]+[b] (x)');
    expect(highlight('<img src=x onerror=alert(1)>', queryTerms('img'))).toEqual([
      { text: '<', match: false },
      { text: 'img', match: true },
      { text: ' src=x onerror=alert(1)>', match: false },
    ]);
  });

  it('gives the whole text unmarked when nothing matches', () => {
    expect(highlight('nothing here', queryTerms('zebra'))).toEqual([{ text: 'nothing here', match: false }]);
    expect(highlight('', queryTerms('zebra'))).toEqual([{ text: '', match: false }]);
  });

  it('cuts a long body around its first match, on spaces, and says where it cut', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`);
    words[150] = 'needle';
    const cut = excerpt(words.join(' '), queryTerms('needle'), 120);
    expect(cut.startsWith('…word')).toBe(true);
    expect(cut.endsWith('…')).toBe(true);
    expect(cut).toContain('needle');
    expect(cut.length).toBeLessThanOrEqual(120 + 2 + 20);
    expect(excerpt('short\n\nbody', ['x'])).toBe('short body');
  });
});
