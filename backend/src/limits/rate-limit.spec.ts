import { Counter, Registry } from 'prom-client';
import { AppError } from '../common/app-error';
import { RateLimit } from './rate-limit';

function memoryLimit(points: number, windowMs = 60_000, lease = 1): { limit: RateLimit; refusals: Counter<'limit'> } {
  const refusals = new Counter({ name: 'refusals', help: 'test', labelNames: ['limit'], registers: [new Registry()] });
  return {
    limit: new RateLimit({ name: 'test_limit', rate: { points, windowMs }, message: 'slow down', store: null, refusals, lease }),
    refusals,
  };
}

describe('RateLimit (in memory)', () => {
  it('grants up to the limit, then refuses with RATE_LIMITED, the time left and a counted refusal', async () => {
    const { limit, refusals } = memoryLimit(2);
    await expect(limit.consume('u')).resolves.toMatchObject({ consumed: 1, remaining: 1 });
    await expect(limit.consume('u')).resolves.toMatchObject({ consumed: 2, remaining: 0 });
    const error = await limit.consume('u').catch((failure: unknown) => failure);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('RATE_LIMITED');
    expect((error as AppError).retryAfterMs).toBeGreaterThan(50_000);
    expect((await refusals.get()).values).toEqual([expect.objectContaining({ labels: { limit: 'test_limit' }, value: 1 })]);
    await expect(limit.consume('other')).resolves.toMatchObject({ consumed: 1 });
  });

  it('attempt() reports a refusal without throwing; refund() gives a point back; block() refuses for a time', async () => {
    const { limit } = memoryLimit(1);
    await limit.consume('u');
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: false });
    await limit.refund('u', 2);
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: true });
    await limit.block('v', 30);
    await expect(limit.attempt('v')).resolves.toMatchObject({ allowed: false });
    await limit.reset('v');
    await expect(limit.attempt('v')).resolves.toMatchObject({ allowed: true });
  });

  it('blockedFor() knows, synchronously, a key this pod refused until its window ends', async () => {
    const { limit } = memoryLimit(1, 1000);
    await limit.consume('u');
    expect(limit.blockedFor('u')).toBe(0);
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: false });
    expect(limit.blockedFor('u')).toBeGreaterThan(0);
    expect(limit.blockedFor('u')).toBeLessThanOrEqual(1000);
    expect(limit.blockedFor('other')).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(limit.blockedFor('u')).toBe(0);
  });

  it('a new window grants again', async () => {
    const { limit } = memoryLimit(1, 1000);
    await limit.consume('u');
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: false });
    await new Promise((done) => setTimeout(done, 1100));
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: true });
  });
});

describe('RateLimit with a lease', () => {
  it('takes points from the store a lease at a time, spends them locally, and never grants past the limit', async () => {
    const { limit } = memoryLimit(10, 60_000, 4);
    const store = (limit as unknown as { limiter: { consume: (key: string, points: number) => Promise<unknown> } }).limiter;
    const taken = jest.spyOn(store, 'consume');
    const outcomes = await Promise.all(Array.from({ length: 14 }, () => limit.attempt('u')));
    expect(outcomes.filter((outcome) => outcome.allowed)).toHaveLength(10);
    expect(outcomes.slice(10).every((outcome) => !outcome.allowed)).toBe(true);
    // Leases of 4, 4 and 4 (2 of them within the limit) for 10 grants, one refused take; the 3 consumes waiting
    // behind it are refused from the pod's memory of that refusal.
    expect(taken.mock.calls.map(([, points]) => points)).toEqual([4, 4, 4, 4]);
    expect(limit.blockedFor('u')).toBeGreaterThan(0);
  });

  it('answers consumes in the order they were made, the one that took the lease first, also across a refill', async () => {
    const { limit } = memoryLimit(100, 60_000, 3);
    const answered: number[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, n) => {
        await limit.consume('u');
        answered.push(n);
      }),
    );
    expect(answered).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it('starts a new lease in a new window', async () => {
    const { limit } = memoryLimit(2, 1000, 2);
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: true });
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: true });
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: false });
    await new Promise((done) => setTimeout(done, 1100));
    await expect(limit.attempt('u')).resolves.toMatchObject({ allowed: true });
  });
});
