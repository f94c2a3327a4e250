import { readFileSync, readdirSync } from 'node:fs';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { PasswordHasher } from './password-hasher';

const hashers: PasswordHasher[] = [];

function hasherWith(concurrency: number, queue: number): PasswordHasher {
  const hasher = new PasswordHasher({ limits: { passwordHash: { concurrency, queue } } } as AppConfig, new MetricsService());
  hashers.push(hasher);
  return hasher;
}

/** The nice value of each thread of this process (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at field 3.
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('PasswordHasher', () => {
  const hasher = hasherWith(2, 16);
  // scrypt at N = 32768 is ~0.1 s a hash on an idle core; several of them on a loaded CI machine take seconds.
  jest.setTimeout(30_000);
  afterAll(() => Promise.all(hashers.map((h) => h.onModuleDestroy())));

  it('refuses hashes beyond its concurrency and queue at once with RATE_LIMITED', async () => {
    const busy = hasherWith(1, 1);
    const outcomes = await Promise.allSettled([busy.hash('a'), busy.hash('b'), busy.hash('c'), busy.hash('d')]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    const refusal = (outcomes[2] as PromiseRejectedResult).reason as AppError;
    expect(refusal.code).toBe('RATE_LIMITED');
    expect(refusal.retryAfterMs).toBeGreaterThan(0);
  });

  it('admit holds a place before the hash: a burst is refused at once, before the work that precedes its hashes', async () => {
    const busy = hasherWith(1, 0);
    const place = busy.admit('10.0.0.1');
    expect(() => busy.admit('10.0.0.2')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }) as Error);
    await busy.hash('a', '10.0.0.1', place);
    expect(() => busy.admit('10.0.0.2').release()).not.toThrow();
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery');
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(hasher.verify('correct horse battery', hash)).resolves.toBe(true);
    await expect(hasher.verify('correct horse batterx', hash)).resolves.toBe(false);
  });

  it('hashes on a thread at the lowest CPU priority (nice 19), not on the event loop thread', async () => {
    if (process.platform !== 'linux') return;
    const before = threadNiceValues().filter((nice) => nice === 19).length;
    const lowest = hasherWith(1, 0);
    let during = 0;
    const hashing = lowest.hash('at the back of the line');
    const sampling = setInterval(() => (during = Math.max(during, threadNiceValues().filter((nice) => nice === 19).length)), 5);
    await hashing.finally(() => clearInterval(sampling));
    expect(during).toBeGreaterThan(before);
    expect(threadNiceValues()[0]).toBe(0);
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
