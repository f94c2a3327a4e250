import { Logger } from '@nestjs/common';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type Redis from 'ioredis';
import type { Counter } from 'prom-client';
import { AppError } from '../common/app-error';
import type { Rate } from '../config/app-config';

/** Where a limit counts: Redis shared by every pod (scaled mode) or this process (embedded mode). */
export type LimitStore = { redis: Redis; keyPrefix: string } | null;

export interface RateLimitOptions {
  /** Metric label and key namespace, e.g. `message_send`. */
  name: string;
  rate: Rate;
  /** The refusal's message. */
  message: string;
  store: LimitStore;
  refusals: Counter<'limit'>;
}

/** What a granted consume left: `consumed` counts this call too. */
export interface Grant {
  allowed: true;
  consumed: number;
  remaining: number;
}

/** A consume over the limit; the points were still counted. */
export interface Denial {
  allowed: false;
  retryAfterMs: number;
}

function isLimiterAnswer(value: unknown): value is RateLimiterRes {
  return value instanceof RateLimiterRes;
}

/** Most refused keys remembered for blockedFor (a bound on memory, not a limit: past it the memory starts over). */
const REFUSED_KEYS_MAX = 100_000;

/**
 * One fixed-window limit (rate-limiter-flexible): atomic in Redis (one Lua INCR-with-expiry per
 * consume), in memory otherwise. Over the limit, consume throws RATE_LIMITED with the time left in the
 * window. A Redis outage falls back to a per-pod in-memory limiter (the insurance), so limits still hold
 * per pod and nothing fails open without bound.
 */
export class RateLimit {
  private readonly logger: Logger;
  private readonly limiter: RateLimiterAbstract;
  /** Keys this pod refused, until when: blockedFor answers from it without a round trip or a promise. */
  private readonly refusedUntil = new Map<string, number>();
  readonly rate: Rate;

  constructor(private readonly options: RateLimitOptions) {
    this.logger = new Logger(`RateLimit:${options.name}`);
    this.rate = options.rate;
    const base = { points: options.rate.points, duration: Math.max(1, Math.round(options.rate.windowMs / 1000)) };
    const memory = new RateLimiterMemory({ ...base, keyPrefix: options.name });
    this.limiter = options.store
      ? new RateLimiterRedis({
          ...base,
          storeClient: options.store.redis,
          keyPrefix: `${options.store.keyPrefix}rl:${options.name}`,
          rejectIfRedisNotReady: true,
          // Once a key is over its limit, this pod refuses it without asking Redis until the window ends,
          // so a flood costs no Redis round trips.
          inMemoryBlockOnConsumed: options.rate.points + 1,
          insuranceLimiter: memory,
        })
      : memory;
  }

  get name(): string {
    return this.options.name;
  }

  /** Takes `points`; RATE_LIMITED when that goes over the limit. */
  async consume(key: string, points = 1): Promise<Grant> {
    const outcome = await this.attempt(key, points);
    if (!outcome.allowed) throw this.refuse(outcome.retryAfterMs);
    return outcome;
  }

  /** Takes `points` and says whether that was within the limit, for callers that decide themselves. */
  async attempt(key: string, points = 1): Promise<Grant | Denial> {
    try {
      const granted = await this.limiter.consume(key, points);
      return { allowed: true, consumed: granted.consumedPoints, remaining: granted.remainingPoints };
    } catch (refusal: unknown) {
      if (!isLimiterAnswer(refusal)) throw refusal;
      if (this.refusedUntil.size >= REFUSED_KEYS_MAX) this.refusedUntil.clear();
      this.refusedUntil.set(key, Date.now() + refusal.msBeforeNext);
      return { allowed: false, retryAfterMs: refusal.msBeforeNext };
    }
  }

  /**
   * How long `key` stays refused, as far as this pod already knows (0 when it does not know of a refusal):
   * synchronous, so a flood past the limit is turned away before any other work is done for it.
   */
  blockedFor(key: string): number {
    const until = this.refusedUntil.get(key);
    if (until === undefined) return 0;
    const left = until - Date.now();
    if (left > 0) return left;
    this.refusedUntil.delete(key);
    return 0;
  }

  /** Gives back points a request took but did not use (a login that succeeded, a refused attempt). */
  async refund(key: string, points = 1): Promise<void> {
    await this.limiter.reward(key, points).catch((error: unknown) => this.warn('refund', error));
  }

  /** Refuses `key` for `seconds` from now, whatever it had left. */
  async block(key: string, seconds: number): Promise<void> {
    await this.limiter.block(key, seconds).catch((error: unknown) => this.warn('block', error));
  }

  async reset(key: string): Promise<void> {
    await this.limiter.delete(key).catch((error: unknown) => this.warn('reset', error));
  }

  /** The RATE_LIMITED error of this limit, counted in chat_rate_limited_total. */
  refuse(retryAfterMs: number): AppError {
    this.options.refusals.inc({ limit: this.options.name });
    return AppError.rateLimited(this.options.message, retryAfterMs);
  }

  private warn(what: string, error: unknown): void {
    this.logger.warn(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
