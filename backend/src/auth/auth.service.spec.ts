import type { JwtService } from '@nestjs/jwt';
import { AppError } from '../common/app-error';
import type { RateLimits } from '../limits/rate-limits';
import type { UserRepository } from '../users/user.repository';
import { AuthService } from './auth.service';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import type { TokenRevocations } from './token-revocations';

/** An AuthService whose password hasher is busy: every hash would be refused. */
function serviceWithBusyHasher() {
  const hasher = {
    hash: jest.fn(() => Promise.resolve('scrypt$decoy')),
    refuseIfBusy: jest.fn(() => {
      throw AppError.rateLimited('busy', 1000);
    }),
  };
  const users = { findByUsername: jest.fn(), insert: jest.fn() };
  const throttle = { reserve: jest.fn() };
  const limits = { registerAddress: { consume: jest.fn() } };
  const service = new AuthService(
    users as unknown as UserRepository,
    hasher as unknown as PasswordHasher,
    {} as JwtService,
    throttle as unknown as LoginThrottle,
    {} as TokenRevocations,
    limits as unknown as RateLimits,
  );
  return { service, users, throttle, limits };
}

describe('AuthService under a login flood', () => {
  it('refuses a login the hasher cannot take before any Redis or database work', async () => {
    const { service, users, throttle } = serviceWithBusyHasher();
    await expect(service.login({ username: 'alice', password: 'long-enough-1' }, '10.0.0.1')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(throttle.reserve).not.toHaveBeenCalled();
    expect(users.findByUsername).not.toHaveBeenCalled();
  });

  it('refuses a registration the hasher cannot take before any Redis or database work', async () => {
    const { service, users, limits } = serviceWithBusyHasher();
    await expect(service.register({ username: 'alice', password: 'long-enough-1' }, '10.0.0.1')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(limits.registerAddress.consume).not.toHaveBeenCalled();
    expect(users.insert).not.toHaveBeenCalled();
  });
});
