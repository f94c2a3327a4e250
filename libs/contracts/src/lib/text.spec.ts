import { displayNameProblem, lineProblem, nameProblem, textProblem } from './text';
import { passwordProblem } from './password';
import { bodyProblem } from './timeline';

describe('text rules', () => {
  it('accept ordinary text, emoji, tabs and line breaks in free text', () => {
    expect(textProblem('héllo 👋\n\tthere\r\n', 'body')).toBeNull();
    expect(bodyProblem('multi\nline 🎉')).toBeNull();
  });

  it.each([['a\u0000b'], ['bell\u0007'], ['esc\u001b[31m'], ['del\u007f'], ['lone \ud800 high'], ['lone \udc00 low']])(
    'refuse control characters and lone surrogates in free text (%j), naming the field',
    (value) => {
      expect(textProblem(value, 'body')).toMatch(/^body /);
      expect(bodyProblem(value)).toMatch(/^body /);
    },
  );

  it('refuse tabs and line breaks in single-line values', () => {
    expect(lineProblem('a\tb', 'query')).toMatch(/^query /);
    expect(lineProblem('a\nb', 'query')).toMatch(/^query /);
    expect(lineProblem('plain query', 'query')).toBeNull();
  });

  it.each([['\u202Egnp.exe'], ['a\u202Ab'], ['x\u2066y\u2069'], ['\u202Dz']])(
    'refuse bidi overrides and isolates in names (%j)',
    (value) => {
      expect(nameProblem(value, 'name')).toMatch(/bidirectional/);
    },
  );

  it('keeps right-to-left text itself in names', () => {
    expect(nameProblem('שלום עולם', 'name')).toBeNull();
    expect(nameProblem('مرحبا', 'name')).toBeNull();
  });

  it.each([
    ['Administrator'],
    ['admin'],
    ['ADMIN'],
    ['Admin_1'],
    ['a d m i n'],
    ['M0derator'],
    ['system'],
    ['Moderator'],
    ['root'],
    ['Support Team'],
  ])('refuse display names that impersonate the service or its staff (%j)', (value) => {
    expect(displayNameProblem(value)).toMatch(/reserved/);
  });

  it.each([['Alice Liddell'], ['Adminton Smith'], ['Sysiphus'], ['Modesty']])('accept ordinary display names (%j)', (value) => {
    expect(displayNameProblem(value)).toBeNull();
  });
});

describe('password policy', () => {
  it.each([
    ['password'],
    ['12345678'],
    ['        '],
    ['aaaaaaaa'],
    ['abcdefgh'],
    ['87654321'],
    ['Password1'],
    ['QWERTYUIOP'],
    ['iloveyou'],
  ])('refuses common, blank, repeated and run passwords (%j)', (value) => {
    expect(passwordProblem(value, 'someone')).toMatch(/^password /);
  });

  it('refuses the username, in any case, also inside a longer password', () => {
    expect(passwordProblem('alice_smith', 'alice_smith')).toMatch(/username/);
    expect(passwordProblem('xxALICE_SMITH-2024', 'alice_smith')).toMatch(/username/);
  });

  it('keeps the contract length of 8 to 128 characters', () => {
    expect(passwordProblem('short1!', 'u1')).toMatch(/8 to 128/);
    expect(passwordProblem('x'.repeat(64) + 'y'.repeat(65), 'u1')).toMatch(/8 to 128/);
    expect(passwordProblem('correct horse battery staple', 'alice')).toBeNull();
    expect(passwordProblem('tr0ub4dor&3x', 'alice')).toBeNull();
  });

  it('refuses control characters in passwords', () => {
    expect(passwordProblem('abc\u0000defghij', 'u1')).toMatch(/control/);
  });
});
