import { Injectable, Logger } from '@nestjs/common';
import { ErrorCode } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { RedisClients } from '../redis/redis-clients';

/** Failed logins allowed per username within the window before further attempts are refused. */
export const MAX_FAILED_LOGINS = 10;
export const FAILED_LOGIN_WINDOW_SECONDS = 15 * 60;
/** Embedded mode: past this many counted usernames, expired counts are dropped. */
const LOCAL_ENTRIES_MAX = 10_000;

/**
 * Password guessing protection: after MAX_FAILED_LOGINS failures for a username within the window,
 * logins for it answer RATE_LIMITED until the window passes. Counted in Redis in scaled mode (so every
 * pod sees the same count), in memory in embedded mode. A Redis outage fails open, with a warning.
 */
@Injectable()
export class LoginThrottle {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly local = new Map<string, { count: number; until: number }>();

  constructor(
    private readonly redis: RedisClients,
    private readonly config: AppConfig,
  ) {}

  private key(username: string): string {
    return `${this.config.redisKeyPrefix}login-failures:${username}`;
  }

  async assertAllowed(username: string): Promise<void> {
    if ((await this.failures(username)) >= MAX_FAILED_LOGINS) {
      throw new AppError(ErrorCode.RATE_LIMITED, 'Too many failed logins for this account; try again in a few minutes');
    }
  }

  async failed(username: string): Promise<void> {
    const redis = this.redis.command;
    if (!redis) {
      if (this.local.size >= LOCAL_ENTRIES_MAX) this.forgetExpired();
      const entry = this.localEntry(username);
      this.local.set(username, { count: entry.count + 1, until: entry.until || Date.now() + FAILED_LOGIN_WINDOW_SECONDS * 1000 });
      return;
    }
    try {
      await redis.multi().incr(this.key(username)).expire(this.key(username), FAILED_LOGIN_WINDOW_SECONDS, 'NX').exec();
    } catch (error) {
      this.logger.warn(`could not count a failed login: ${(error as Error).message}`);
    }
  }

  async succeeded(username: string): Promise<void> {
    this.local.delete(username);
    await this.redis.command?.del(this.key(username)).catch(() => undefined);
  }

  private async failures(username: string): Promise<number> {
    const redis = this.redis.command;
    if (!redis) return this.localEntry(username).count;
    try {
      return Number((await redis.get(this.key(username))) ?? 0);
    } catch (error) {
      this.logger.warn(`could not read failed logins: ${(error as Error).message}`);
      return 0;
    }
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [username, entry] of this.local) if (entry.until < now) this.local.delete(username);
  }

  private localEntry(username: string): { count: number; until: number } {
    const entry = this.local.get(username);
    if (!entry || entry.until < Date.now()) return { count: 0, until: 0 };
    return entry;
  }
}
