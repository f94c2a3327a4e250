import { bodyProblem, normalizeBody } from './timeline';
import { LIMITS } from './limits';

describe('message body rule', () => {
  it('trims surrounding white space', () => {
    expect(normalizeBody('  hi \n')).toBe('hi');
  });

  it('accepts 1 to 4000 characters after trimming', () => {
    expect(bodyProblem('a')).toBeNull();
    expect(bodyProblem(' ' + 'a'.repeat(LIMITS.messageBodyMax) + ' ')).toBeNull();
  });

  it('refuses empty, blank, too long and non-string bodies', () => {
    expect(bodyProblem('')).toMatch(/empty/);
    expect(bodyProblem('   \n\t')).toMatch(/empty/);
    expect(bodyProblem('a'.repeat(LIMITS.messageBodyMax + 1))).toMatch(/at most 4000/);
    expect(bodyProblem(42)).toMatch(/string/);
  });
});
