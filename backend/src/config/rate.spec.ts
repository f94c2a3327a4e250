import { parseRate } from './app-config';
import { validateEnvironment } from './environment';

describe('rate settings', () => {
  it('parses <count>/<window>', () => {
    expect(parseRate('30/10s')).toEqual({ points: 30, windowMs: 10_000 });
    expect(parseRate('5/15m')).toEqual({ points: 5, windowMs: 900_000 });
    expect(parseRate('10/1h')).toEqual({ points: 10, windowMs: 3_600_000 });
  });

  it('refuses a malformed rate, naming the variable', () => {
    expect(() => validateEnvironment({ RATE_LIMIT_MESSAGE_SEND: '30 per second' })).toThrow(
      /RATE_LIMIT_MESSAGE_SEND must be <count>\/<window>/,
    );
    expect(() => validateEnvironment({ RATE_LIMIT_REST: '0/1m' })).toThrow(/RATE_LIMIT_REST/);
    expect(() => validateEnvironment({ LOGIN_BACKOFF_BASE_SECONDS: '120', LOGIN_BACKOFF_MAX_SECONDS: '60' })).toThrow(
      /LOGIN_BACKOFF_MAX_SECONDS: must be at least/,
    );
  });
});
