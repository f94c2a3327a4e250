import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { PasswordHasher } from './password-hasher';

function hasherWith(concurrency: number, queue: number): PasswordHasher {
  return new PasswordHasher({ limits: { passwordHash: { concurrency, queue } } } as AppConfig, new MetricsService());
}

describe('PasswordHasher', () => {
  const hasher = hasherWith(2, 16);
  // scrypt at N = 32768 is ~0.1 s a hash on an idle core; several of them on a loaded CI machine take seconds.
  jest.setTimeout(30_000);

  it('refuses hashes beyond its concurrency and queue at once with RATE_LIMITED', async () => {
    const busy = hasherWith(1, 1);
    const outcomes = await Promise.allSettled([busy.hash('a'), busy.hash('b'), busy.hash('c'), busy.hash('d')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refusal = (outcomes[2] as PromiseRejectedResult).reason as AppError;
    expect(refusal.code).toBe('RATE_LIMITED');
    expect(refusal.retryAfterMs).toBeGreaterThan(0);
  });

  it('refuseIfBusy answers the same RATE_LIMITED at once while a hash would be refused, and nothing otherwise', async () => {
    const busy = hasherWith(1, 0);
    expect(() => busy.refuseIfBusy('10.0.0.1')).not.toThrow();
    const running = busy.hash('a', '10.0.0.1');
    expect(() => busy.refuseIfBusy('10.0.0.2')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }) as Error);
    await running;
    expect(() => busy.refuseIfBusy('10.0.0.2')).not.toThrow();
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(hasher.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterx', hash)).resolves.toBe(false);
  });

  it('salts every hash', async () => {
    const [a, b] = await Promise.all([hasher.hash('same'), hasher.hash('same')]);
    expect(a).not.toBe(b);
  });

  it('refuses malformed stored hashes', async () => {
    await expect(hasher.verify('x', 'plain-text')).resolves.toBe(false);
    await expect(hasher.verify('x', 'bcrypt$1$2$3$4$5')).resolves.toBe(false);
  });
});
