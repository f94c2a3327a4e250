import { Counter, Registry } from 'prom-client';
import { AppError } from '../common/app-error';
import { RateLimit } from './rate-limit';

function memoryLimit(points: number, windowMs = 60_000): { limit: RateLimit; refusals: Counter<'limit'> } {
  const refusals = new Counter({ name: 'refusals', help: 'test', labelNames: ['limit'], registers: [new Registry()] });
  return {
    limit: new RateLimit({ name: 'test_limit', rate: { points, windowMs }, message: 'slow down', store: null, refusals }),
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
