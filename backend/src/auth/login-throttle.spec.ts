import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';
import { LoginThrottle, MAX_FAILED_LOGINS } from './login-throttle';

describe('LoginThrottle (embedded mode, in memory)', () => {
  const throttle = () => new LoginThrottle({ command: null } as RedisClients, { redisKeyPrefix: 'chat:' } as AppConfig);

  it('refuses a username after too many failures, and only that one', async () => {
    const guard = throttle();
    for (let i = 0; i < MAX_FAILED_LOGINS; i += 1) {
      await expect(guard.assertAllowed('alice')).resolves.toBeUndefined();
      await guard.failed('alice');
    }
    const refusal = await guard.assertAllowed('alice').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(AppError);
    expect((refusal as AppError).code).toBe('RATE_LIMITED');
    await expect(guard.assertAllowed('bob')).resolves.toBeUndefined();
  });

  it('forgets the failures after a successful login', async () => {
    const guard = throttle();
    for (let i = 0; i < MAX_FAILED_LOGINS - 1; i += 1) await guard.failed('carol');
    await guard.succeeded('carol');
    await guard.failed('carol');
    await expect(guard.assertAllowed('carol')).resolves.toBeUndefined();
  });
});
