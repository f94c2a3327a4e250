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
  /**
   * Points this pod takes from the store at a time and then spends locally until the window ends (1: one
   * store round trip per consume). Never grants more than the limit fleet-wide; a user spending through
   * several pods may be refused up to `lease - 1` points early per other pod, as points leased there
   * stay unused.
   */
  lease?: number;
}

/** The lease for a limit counted in Redis: a tenth of it, so a busy user costs one round trip in ten. */
export function leaseFor(rate: Rate): number {
  return Math.max(1, Math.ceil(rate.points / 10));
}

interface Lease {
  left: number;
  until: number;
}

interface Waiter {
  points: number;
  resolve: (outcome: Grant | Denial) => void;
  reject: (error: unknown) => void;
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
  /** Points taken from the store and not spent yet, per key, until their window ends. */
  private readonly leases = new Map<string, Lease>();
  /** Consumes queued behind a lease being taken, per key: answered from it in order, not each by a round trip. */
  private readonly waiting = new Map<string, Waiter[]>();
  private readonly leaseSize: number;
  readonly rate: Rate;

  constructor(private readonly options: RateLimitOptions) {
    this.logger = new Logger(`RateLimit:${options.name}`);
    this.rate = options.rate;
    this.leaseSize = Math.max(1, Math.floor(options.lease ?? 1));
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
    if (this.leaseSize === 1) return this.take(key, points, points);
    const answer = this.spend(key, points);
    if (answer) return answer;
    const queue = this.waiting.get(key);
    if (queue) return new Promise((resolve, reject) => queue.push({ points, resolve, reject }));
    this.waiting.set(key, []);
    return new Promise((resolve, reject) => this.lease(key, { points, resolve, reject }));
  }

  /** An answer from the key's lease or its known refusal, without a round trip; null when neither has one. */
  private spend(key: string, points: number): Grant | Denial | null {
    const lease = this.leases.get(key);
    if (lease && lease.until > Date.now() && lease.left >= points) {
      lease.left -= points;
      return { allowed: true, consumed: this.rate.points - lease.left, remaining: lease.left };
    }
    const blocked = this.blockedFor(key);
    return blocked > 0 ? { allowed: false, retryAfterMs: blocked } : null;
  }

  /**
   * Takes a lease for `first`, then answers it and the consumes queued behind it, in the order they were
   * made: each is answered through its own resolve, `first` before the others, so a user's requests go
   * on in the order they came (two sends of one socket keep their order into the timeline).
   */
  private lease(key: string, first: Waiter): void {
    this.take(key, first.points, Math.max(first.points, this.leaseSize)).then(
      (outcome) => {
        first.resolve(outcome);
        this.answerQueued(key);
      },
      (error: unknown) => {
        first.reject(error);
        for (const waiter of this.waiting.get(key) ?? []) waiter.reject(error);
        this.waiting.delete(key);
      },
    );
  }

  /** Answers the queued consumes from the lease while it lasts; when it runs out, the next in line takes another. */
  private answerQueued(key: string): void {
    const queue = this.waiting.get(key) ?? [];
    for (let next = queue.shift(); next; next = queue.shift()) {
      const answer = this.spend(key, next.points);
      if (!answer) {
        // The rest stay queued behind it.
        this.lease(key, next);
        return;
      }
      next.resolve(answer);
    }
    this.waiting.delete(key);
  }

  /** Takes `size` points from the store for a consume of `points`; what is left over becomes the key's lease. */
  private async take(key: string, points: number, size: number): Promise<Grant | Denial> {
    try {
      const granted = await this.limiter.consume(key, size);
      this.keepLease(key, size - points, granted.msBeforeNext);
      return { allowed: true, consumed: granted.consumedPoints - (size - points), remaining: granted.remainingPoints + (size - points) };
    } catch (refusal: unknown) {
      if (!isLimiterAnswer(refusal)) throw refusal;
      // Part of a lease may still fall within the limit (a refusal from the in-memory block counts nothing).
      const within = refusal.consumedPoints > 0 ? this.rate.points - (refusal.consumedPoints - size) : 0;
      if (size > points && within >= points) {
        this.keepLease(key, within - points, refusal.msBeforeNext);
        return { allowed: true, consumed: this.rate.points - (within - points), remaining: within - points };
      }
      if (this.refusedUntil.size >= REFUSED_KEYS_MAX) this.refusedUntil.clear();
      this.refusedUntil.set(key, Date.now() + refusal.msBeforeNext);
      return { allowed: false, retryAfterMs: refusal.msBeforeNext };
    }
  }

  private keepLease(key: string, left: number, msBeforeNext: number): void {
    if (this.leaseSize === 1) return;
    if (this.leases.size >= REFUSED_KEYS_MAX) this.leases.clear();
    this.leases.set(key, { left, until: Date.now() + msBeforeNext });
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
