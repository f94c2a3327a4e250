import { Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type Redis from 'ioredis';
import { AppError } from '../common/app-error';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import { RedisClients } from '../redis/redis-clients';

/** A socket's slot lives this long unless its pod renews it, so a crashed pod's sockets stop counting. */
export const SOCKET_LEASE_MS = 60_000;
const RENEW_EVERY_MS = SOCKET_LEASE_MS / 3;
const RETRY_AFTER_MS = 5_000;

/**
 * KEYS[1] the user's sorted set (socket id -> lease expiry); ARGV: now, lease ms, max, socket id.
 * Drops expired leases, then adds the socket if the user is under max: 1 taken, 0 refused.
 */
const TAKE_SLOT = `
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1])
if redis.call('zcard', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('zadd', KEYS[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[4])
redis.call('pexpire', KEYS[1], ARGV[2])
return 1
`;

type QuotaRedis = Redis & { chatTakeSocketSlot(key: string, now: number, leaseMs: number, max: number, socketId: string): Promise<number> };

/**
 * Open sockets per user across the fleet (SOCKETS_PER_USER). Scaled mode: a sorted set per user of
 * socket leases in Redis, taken atomically at the handshake, renewed by the pod that holds the socket
 * and dropped on disconnect. Embedded mode: a count per user. A Redis outage admits the socket (with a
 * warning): refusing everyone's reconnects would be worse than a missed cap.
 */
@Injectable()
export class SocketQuota implements OnApplicationShutdown {
  private readonly logger = new Logger(SocketQuota.name);
  private readonly max: number;
  private readonly redis: QuotaRedis | null;
  private readonly prefix: string;
  /** Sockets of this pod holding a slot, by user. */
  private readonly held = new Map<string, Set<string>>();
  private readonly renewTimer: NodeJS.Timeout | null = null;

  constructor(
    config: AppConfig,
    redis: RedisClients,
    private readonly metrics: MetricsService,
  ) {
    this.max = config.limits.socketsPerUser;
    this.prefix = config.redisKeyPrefix;
    const command = redis.command;
    if (command) {
      command.defineCommand('chatTakeSocketSlot', { numberOfKeys: 1, lua: TAKE_SLOT });
      this.redis = command as QuotaRedis;
      this.renewTimer = setInterval(() => void this.renew(), RENEW_EVERY_MS);
      this.renewTimer.unref();
    } else {
      this.redis = null;
    }
  }

  private key(userId: string): string {
    return `${this.prefix}rl:sockets:${userId}`;
  }

  /** Takes a slot for the socket or throws RATE_LIMITED. */
  async take(userId: string, socketId: string): Promise<void> {
    if (this.redis) {
      const taken = await this.redis
        .chatTakeSocketSlot(this.key(userId), Date.now(), SOCKET_LEASE_MS, this.max, socketId)
        .catch((error: Error) => {
          this.logger.warn(`could not check the socket limit, admitting: ${error.message}`);
          return 1;
        });
      if (!taken) throw this.refuse();
    } else if ((this.held.get(userId)?.size ?? 0) >= this.max) {
      throw this.refuse();
    }
    const sockets = this.held.get(userId) ?? new Set<string>();
    sockets.add(socketId);
    this.held.set(userId, sockets);
  }

  async release(userId: string, socketId: string): Promise<void> {
    const sockets = this.held.get(userId);
    if (!sockets?.delete(socketId)) return;
    if (!sockets.size) this.held.delete(userId);
    await this.redis?.zrem(this.key(userId), socketId).catch((error: Error) => {
      this.logger.warn(`could not release a socket slot (it expires by itself): ${error.message}`);
    });
  }

  private refuse(): AppError {
    this.metrics.rateLimited.inc({ limit: 'sockets_per_user' });
    return AppError.rateLimited(`Too many open connections for this account (at most ${this.max})`, RETRY_AFTER_MS);
  }

  private async renew(): Promise<void> {
    if (!this.redis || !this.held.size) return;
    const expiry = Date.now() + SOCKET_LEASE_MS;
    const pipeline = this.redis.pipeline();
    for (const [userId, sockets] of this.held) {
      const key = this.key(userId);
      pipeline.zadd(key, ...[...sockets].flatMap((socketId) => [expiry, socketId]));
      pipeline.pexpire(key, SOCKET_LEASE_MS);
    }
    await pipeline.exec().catch((error: Error) => this.logger.warn(`could not renew socket slots: ${error.message}`));
  }

  onApplicationShutdown(): void {
    if (this.renewTimer) clearInterval(this.renewTimer);
  }
}
