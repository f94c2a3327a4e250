import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';
import { LoginFailures, MemoryLoginFailures, RedisLoginFailures } from './login-failures';

/** Failed logins allowed per username within the window before further attempts are refused. */
export const MAX_FAILED_LOGINS = 10;
export const FAILED_LOGIN_WINDOW_SECONDS = 15 * 60;

/**
 * Password guessing protection: after MAX_FAILED_LOGINS failures for a username within the window,
 * logins for it answer RATE_LIMITED until the window passes. Counted in Redis in scaled mode (so every
 * pod sees the same count), in memory in embedded mode. A Redis outage fails open, with a warning.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly failures: LoginFailures;

  constructor(redis: RedisClients, config: AppConfig) {
    this.failures = redis.command ? new RedisLoginFailures(redis.command, config.redisKeyPrefix) : new MemoryLoginFailures();
  }

  async assertAllowed(username: string): Promise<void> {
    const failures = await this.failures.count(username).catch((error: Error) => {
      this.logger.warn(`could not read failed logins: ${error.message}`);
      return 0;
    });
    if (failures >= MAX_FAILED_LOGINS) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many failed logins for this account; try again in a few minutes');
    }
  }

  async failed(username: string): Promise<void> {
    await this.failures.add(username, FAILED_LOGIN_WINDOW_SECONDS).catch((error: Error) => {
      this.logger.warn(`could not count a failed login: ${error.message}`);
    });
  }

  async succeeded(username: string): Promise<void> {
    await this.failures.clear(username).catch(() => undefined);
  }
}
