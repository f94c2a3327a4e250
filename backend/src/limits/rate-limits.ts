import { Injectable } from '@nestjs/common';
import { AppConfig, LimitSettings } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisClients } from '../redis/redis-clients';
import { LimitStore, RateLimit, leaseFor } from './rate-limit';

/** Every per-user and per-address request limit of the pod, built once from configuration. */
@Injectable()
export class RateLimits {
  readonly messageSend: RateLimit;
  /** Edits, deletes and reactions. */
  readonly messageChange: RateLimit;
  readonly rest: RateLimit;
  readonly loginAddress: RateLimit;
  readonly registerAddress: RateLimit;
  /** Failed logins per (account, address); see LoginThrottle. */
  readonly loginFailures: RateLimit;
  /** How many times an (account, address) pair used up loginFailures: the backoff's exponent. */
  readonly loginStrikes: RateLimit;
  /** Failed logins per account from anywhere. */
  readonly loginAccountFailures: RateLimit;
  readonly settings: LimitSettings;

  constructor(config: AppConfig, redis: RedisClients, metrics: MetricsService) {
    this.settings = config.limits;
    const store: LimitStore = redis.command ? { redis: redis.command, keyPrefix: config.redisKeyPrefix } : null;
    const limit = (name: string, rate: LimitSettings['rest'], message: string, lease = 1) =>
      new RateLimit({ name, rate, message, store, refusals: metrics.rateLimited, lease });
    const s = this.settings;
    // The per-message limits are leased: a busy sender costs a Redis round trip per tenth of the limit, not per message.
    const leased = (rate: LimitSettings['rest']) => (store ? leaseFor(rate) : 1);
    this.messageSend = limit('message_send', s.messageSend, 'Too many messages; slow down', leased(s.messageSend));
    this.messageChange = limit(
      'message_change',
      s.messageChange,
      'Too many edits, deletes or reactions; slow down',
      leased(s.messageChange),
    );
    this.rest = limit('rest', s.rest, 'Too many requests; slow down');
    this.loginAddress = limit('login_address', s.loginAddress, 'Too many login attempts from this address; try again later');
    this.registerAddress = limit('register_address', s.registerAddress, 'Too many registrations from this address; try again later');
    this.loginFailures = limit('login_failures', s.loginFailures, 'Too many failed logins; try again later');
    // Strikes are remembered for a day after the last one; the cap keeps the count itself bounded.
    this.loginStrikes = limit('login_strikes', { points: 1_000_000, windowMs: 24 * 3600 * 1000 }, 'unused');
    this.loginAccountFailures = limit('login_account', s.loginAccountFailures, 'Too many failed logins for this account; try again later');
  }
}
