import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { AppError } from '../common/app-error';
import { Admission, BoundedWorkQueue, QueueFullError } from '../common/bounded-work-queue';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { ScryptTask } from './scrypt-worker';

// scrypt (memory-hard) with 32 MiB per hash: N=2^15, r=8, p=1. Parameters are stored in each hash,
// so raising them later keeps old hashes verifiable.
const DEFAULTS = { N: 1 << 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

interface ScryptOptions {
  N: number;
  r: number;
  p: number;
}

/** The worker's module: built next to main.js (dist/backend), or its source when run from source (unit tests). */
const WORKER_FILE = existsSync(join(__dirname, 'scrypt-worker.js'))
  ? join(__dirname, 'scrypt-worker.js')
  : join(__dirname, 'scrypt-worker.ts');
/** The worker threads' nice increment: the lowest CPU priority there is (Linux; elsewhere ignored). */
const HASHING_NICE = 19;

/** What a refused hash tells the client to wait: about one hash's time at the back of a full queue. */
const QUEUE_FULL_RETRY_MS = 1000;
/** The requester of hashes the server makes for itself (admin seeding, the decoy). */
const SERVER = 'server';

/**
 * scrypt hashes through a bounded work queue (PASSWORD_HASH_CONCURRENCY at once, PASSWORD_HASH_QUEUE
 * waiting): a login flood is refused with RATE_LIMITED at once instead of making every login, the
 * real user's too, wait behind seconds of hashing.
 *
 * The hashes run on worker threads (piscina) at the lowest CPU priority, not on libuv's pool at the
 * pod's: a login flood's hashing (about 0.1 s of CPU each) then only takes CPU that chat traffic, the
 * pod's event loop, leaves idle, instead of taking turns with it on a busy machine.
 */
@Injectable()
export class PasswordHasher implements OnModuleDestroy {
  private readonly queue: BoundedWorkQueue;
  private readonly workers: Piscina<ScryptTask, Uint8Array>;

  constructor(
    config: AppConfig,
    private readonly metrics: MetricsService,
  ) {
    const { concurrency, queue } = config.limits.passwordHash;
    this.queue = new BoundedWorkQueue(concurrency, queue);
    this.workers = new Piscina({
      filename: WORKER_FILE,
      minThreads: 0,
      maxThreads: concurrency,
      idleTimeout: 60_000,
      niceIncrement: HASHING_NICE,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.workers.destroy();
  }

  /**
   * Format: scrypt$N$r$p$salt(base64)$key(base64). `requester` (the client's address) is whose turn it
   * is in the queue: waiting hashes are served round-robin by requester. `admission`: the place admit()
   * held for this hash.
   */
  async hash(password: string, requester = SERVER, admission?: Admission): Promise<string> {
    const salt = randomBytes(16);
    const key = await this.derive(requester, admission, password, salt, DEFAULTS, KEY_LENGTH);
    return ['scrypt', DEFAULTS.N, DEFAULTS.r, DEFAULTS.p, salt.toString('base64'), key.toString('base64')].join('$');
  }

  async verify(password: string, stored: string, requester = SERVER, admission?: Admission): Promise<boolean> {
    const [scheme, n, r, p, salt, key] = stored.split('$');
    if (scheme !== 'scrypt' || !salt || !key) return false;
    const expected = Buffer.from(key, 'base64');
    const actual = await this.derive(
      requester,
      admission,
      password,
      Buffer.from(salt, 'base64'),
      { N: Number(n), r: Number(r), p: Number(p) },
      expected.length,
    );
    return timingSafeEqual(actual, expected);
  }

  /**
   * Holds a place in the queue for `requester`'s hash that comes after other work (a login's limits and
   * user lookup), or RATE_LIMITED at once when the queue is full or the requester already holds half of
   * it. Logins and registrations call this first, so under a flood the requests the queue cannot take
   * cost no database or Redis work (checked first but taken later, every request of a burst would pass
   * the check before the first of them queued), and one address's burst cannot take every place while
   * its address limit is being checked. Pass it to hash or verify with the same requester; release it if
   * the request ends before hashing.
   */
  admit(requester: string): Admission {
    try {
      return this.queue.admit(requester);
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      throw this.busy();
    }
  }

  private busy(): AppError {
    this.metrics.rateLimited.inc({ limit: 'password_hash_queue' });
    return AppError.rateLimited('The server is busy checking passwords; try again in a moment', QUEUE_FULL_RETRY_MS);
  }

  private async derive(
    requester: string,
    admission: Admission | undefined,
    password: string,
    salt: Buffer,
    options: ScryptOptions,
    keyLength: number,
  ): Promise<Buffer> {
    try {
      const key = await this.queue.run(requester, () => this.workers.run({ password, salt, ...options, keyLength }), admission);
      return Buffer.from(key.buffer, key.byteOffset, key.byteLength);
    } catch (error) {
      if (!(error instanceof QueueFullError)) throw error;
      throw this.busy();
    }
  }
}
