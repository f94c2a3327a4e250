import type { JwtService } from '@nestjs/jwt';
import { AppError } from '../common/app-error';
import type { RateLimits } from '../limits/rate-limits';
import type { UserRepository } from '../users/user.repository';
import { AuthService } from './auth.service';
import type { LoginThrottle } from './login-throttle';
import type { PasswordHasher } from './password-hasher';
import type { TokenRevocations } from './token-revocations';

/** An AuthService whose password hasher is busy (every hash refused) or, with `busy` false, admits and tracks its places. */
function serviceWithBusyHasher(busy = true) {
  const admission = { release: jest.fn(() => true) };
  const hasher = {
    hash: jest.fn(() => Promise.resolve('scrypt$decoy')),
    admit: jest.fn(() => {
      if (busy) throw AppError.rateLimited('busy', 1000);
      return admission;
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
  return { service, users, throttle, limits, admission, hasher };
}

describe('AuthService under a login flood', () => {
  it('refuses a login the hasher cannot take before any Redis or database work', async () => {
    const { service, users, throttle, hasher } = serviceWithBusyHasher();
    await expect(service.login({ username: 'alice', password: 'long-enough-1' }, '10.0.0.1')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    // The place is asked for the client's address: one address cannot take every place.
    expect(hasher.admit).toHaveBeenCalledWith('10.0.0.1');
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

  it('gives the hash queue its place back when a login or registration is refused before hashing', async () => {
    const { service, throttle, limits, admission } = serviceWithBusyHasher(false);
    throttle.reserve.mockRejectedValue(AppError.rateLimited('too many logins', 1000));
    limits.registerAddress.consume.mockRejectedValue(AppError.rateLimited('too many registrations', 1000));
    await expect(service.login({ username: 'alice', password: 'long-enough-1' }, '10.0.0.1')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    await expect(service.register({ username: 'alice', password: 'long-enough-1' }, '10.0.0.1')).rejects.toMatchObject({
      code: 'RATE_LIMITED',
    });
    expect(admission.release).toHaveBeenCalledTimes(2);
  });
});
