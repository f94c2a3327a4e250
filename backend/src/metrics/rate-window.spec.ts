import { RateWindow } from './rate-window';

describe('RateWindow', () => {
  it('sums the last minute and forgets older seconds', () => {
    let now = 1_000_000;
    const window = new RateWindow(() => now);
    window.add(5);
    now += 30_000;
    window.add(2);
    expect(window.total()).toBe(7);
    now += 31_000; // the first 5 are now older than a minute
    expect(window.total()).toBe(2);
    now += 120_000;
    expect(window.total()).toBe(0);
  });
});
