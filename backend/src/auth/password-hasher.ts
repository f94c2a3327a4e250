import { Injectable } from '@nestjs/common';
import { randomBytes, scrypt, ScryptOptions, timingSafeEqual } from 'node:crypto';
import { AppError } from '../common/app-error';
import { BoundedWorkQueue, QueueFullError } from '../common/bounded-work-queue';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';

// scrypt (memory-hard) with 32 MiB per hash: N=2^15, r=8, p=1. Parameters are stored in each hash,
// so raising them later keeps old hashes verifiable.
const DEFAULTS = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, options: ScryptOptions, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, { ...options, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/** What a refused hash tells the client to wait: about one hash's time at the back of a full queue. */
const QUEUE_FULL_RETRY_MS = 1000;
/** The requester of hashes the server makes for itself (admin seeding, the decoy). */
const SERVER = 'server';

/**
 * scrypt hashes through a bounded work queue (PASSWORD_HASH_CONCURRENCY at once, PASSWORD_HASH_QUEUE
 * waiting): a login flood is refused with RATE_LIMITED at once instead of making every login, the
 * real user's too, wait behind seconds of hashing.
 */
@Injectable()
export class PasswordHasher {
  private readonly queue: BoundedWorkQueue;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    const { concurrency, queue } = config.limits.passwordHash;
    this.queue = new BoundedWorkQueue(concurrency, queue);
  }

  /**
   * Format: scrypt$N$r$p$salt(base64)$key(base64). `requester` (the client's address) is whose turn it
   * is in the queue: waiting hashes are served round-robin by requester.
   */
  async hash(password: string, requester = SERVER): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.derive(requester, password, salt, DEFAULTS, KEY_LENGTH);
    return ['scrypt', DEFAULTS.N, DEFAULTS.r, DEFAULTS.p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string, requester = SERVER): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await this.derive(
      requester,
      password,
      Buffer.from(salt, 'base64'),
      { N: Number(n), r: Number(r), p: Number(p) },
      expected.length,
    );
    return timingSafeEqual(actual, expected);
  }

  /**
   * Refuses now, with the RATE_LIMITED a hash would get, when a hash for `requester` would be refused: a
   * login or registration checks this first, so under a flood the requests the queue cannot take cost no
   * database or Redis work either.
   */
  refuseIfBusy(requester: string): void {
    if (this.queue.wouldRefuse(requester)) throw this.busy();
  }

  private busy(): AppError {
    this.metrics.rateLimited.inc({ limit: 'password_hash_queue' });
    return AppError.rateLimited('The server is busy checking passwords; try again in a moment', QUEUE_FULL_RETRY_MS);
  }

  private async derive(requester: string, password: string, salt: Buffer, options: ScryptOptions, keyLength: number): Promise<Buffer> {
    try {
      return await this.queue.run(requester, () => derive(password, salt, options, keyLength));
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      throw this.busy();
    }
  }
}
