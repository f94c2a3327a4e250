import { AppError } from '../common/app-error';
import { AppConfig, LimitSettings, parseRate } from '../config/app-config';
import { RateLimits } from '../limits/rate-limits';
import { MetricsService } from '../metrics/metrics.service';
import { RedisClients } from '../redis/redis-clients';
import { LoginAttempt, LoginThrottle, backoffSeconds } from './login-throttle';

function limits(overrides: Partial<LimitSettings> = {}): RateLimits {
  const settings: LimitSettings = {
    messageSend: parseRate('30/10s'),
    messageChange: parseRate('30/1m'),
    rest: parseRate('300/1m'),
    loginAddress: parseRate('100/1m'),
    registerAddress: parseRate('10/1h'),
    loginFailures: parseRate('3/15m'),
    loginAccountFailures: parseRate('5/15m'),
    loginBackoff: { baseSeconds: 60, maxSeconds: 3600 },
    passwordHash: { concurrency: 2, queue: 16 },
    socketsPerUser: 20,
    typingRelayIntervalMs: 1500,
    ...overrides,
  };
  return new RateLimits(
    { limits: settings, redisKeyPrefix: 'chat:' } as AppConfig,
    { command: null } as RedisClients,
    new MetricsService(),
  );
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (failure: unknown) => failure,
  );
  if (!(error instanceof AppError)) throw new Error(`expected an AppError, got ${String(error)}`);
  return error;
}

async function fail(throttle: LoginThrottle, username: string, address: string): Promise<void> {
  await throttle.failed(await throttle.reserve(username, address));
}

describe('LoginThrottle (embedded mode, in memory)', () => {
  it('reserves before the check: of concurrent attempts only the limit pass, the rest are RATE_LIMITED', async () => {
    const throttle = new LoginThrottle(limits());
    const outcomes = await Promise.allSettled(Array.from({ length: 10 }, () => throttle.reserve('alice', '10.0.0.1')));
    expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(3);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    expect(refused.every((outcome) => (outcome.reason as AppError).code === 'RATE_LIMITED')).toBe(true);
  });

  it('backs off the (account, address) pair only: the owner at another address still gets in', async () => {
    const throttle = new LoginThrottle(limits());
    for (let i = 0; i < 3; i += 1) await fail(throttle, 'alice', 'stranger');
    const blocked = await refusal(throttle.reserve('alice', 'stranger'));
    expect(blocked.code).toBe('RATE_LIMITED');
    expect(blocked.retryAfterMs).toBeGreaterThan(59_000);
    await expect(throttle.reserve('alice', 'owner')).resolves.toMatchObject({ username: 'alice' });
  });

  it('past the account-wide limit, only an address without failures gets an attempt', async () => {
    const throttle = new LoginThrottle(limits());
    for (const address of ['a', 'b']) for (let i = 0; i < 2; i += 1) await fail(throttle, 'bob', address);
    await fail(throttle, 'bob', 'c'); // the fifth account-wide failure
    await expect(refusal(throttle.reserve('bob', 'a'))).resolves.toMatchObject({ code: 'RATE_LIMITED' });
    const owner: LoginAttempt = await throttle.reserve('bob', 'owner');
    expect(owner.accountCharged).toBe(false);
    await throttle.succeeded(owner);
  });

  it('a success clears the pair, and gives back the reserved point', async () => {
    const throttle = new LoginThrottle(limits());
    await fail(throttle, 'carol', 'x');
    await fail(throttle, 'carol', 'x');
    await throttle.succeeded(await throttle.reserve('carol', 'x'));
    for (let i = 0; i < 3; i += 1) await fail(throttle, 'carol', 'x');
    await expect(refusal(throttle.reserve('carol', 'x'))).resolves.toMatchObject({ code: 'RATE_LIMITED' });
  });

  it('limits attempts per address whatever the account', async () => {
    const throttle = new LoginThrottle(limits({ loginAddress: parseRate('2/1m') }));
    await throttle.reserve('u1', 'flood');
    await throttle.reserve('u2', 'flood');
    await expect(refusal(throttle.reserve('u3', 'flood'))).resolves.toMatchObject({ code: 'RATE_LIMITED' });
    await expect(throttle.reserve('u3', 'elsewhere')).resolves.toMatchObject({ username: 'u3' });
  });

  it('doubles the backoff each round, up to the cap', () => {
    const backoff = { baseSeconds: 60, maxSeconds: 600 };
    expect([1, 2, 3, 4, 5, 100].map((round) => backoffSeconds(round, backoff))).toEqual([60, 120, 240, 480, 600, 600]);
  });
});
