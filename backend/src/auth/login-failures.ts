import type Redis from 'ioredis';

/** Failed logins per username within a window: shared by every pod in Redis, or in memory on one node. */
export abstract class LoginFailures {
  abstract count(username: string): Promise<number>;
  /** Counts one more failure; the window starts at the first. */
  abstract add(username: string, windowSeconds: number): Promise<void>;
  abstract clear(username: string): Promise<void>;
}

/** Scaled mode: a counter per username that expires with its window. */
export class RedisLoginFailures extends LoginFailures {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
  }

  private key(username: string): string {
    return `${this.prefix}login-failures:${username}`;
  }

  async count(username: string): Promise<number> {
    return Number((await this.redis.get(this.key(username))) ?? 0);
  }

  async add(username: string, windowSeconds: number): Promise<void> {
    await this.redis.multi().incr(this.key(username)).expire(this.key(username), windowSeconds, 'NX').exec();
  }

  async clear(username: string): Promise<void> {
    await this.redis.del(this.key(username));
  }
}

/** Past this many counted usernames, expired counts are dropped. */
const LOCAL_ENTRIES_MAX = 10_000;

/** Embedded mode: one node, so a map is the whole truth. */
export class MemoryLoginFailures extends LoginFailures {
  private readonly entries = new Map<string, { count: number; until: number }>();

  async count(username: string): Promise<number> {
    return this.entry(username).count;
  }

  async add(username: string, windowSeconds: number): Promise<void> {
    if (this.entries.size >= LOCAL_ENTRIES_MAX) this.forgetExpired();
    const entry = this.entry(username);
    this.entries.set(username, { count: entry.count + 1, until: entry.until || Date.now() + windowSeconds * 1000 });
  }

  async clear(username: string): Promise<void> {
    this.entries.delete(username);
  }

  private forgetExpired(): void {
    const now = Date.now();
    for (const [username, entry] of this.entries) if (entry.until < now) this.entries.delete(username);
  }

  private entry(username: string): { count: number; until: number } {
    const entry = this.entries.get(username);
    if (!entry || entry.until < Date.now()) return { count: 0, until: 0 };
    return entry;
  }
}
