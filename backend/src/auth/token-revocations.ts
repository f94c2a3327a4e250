import type Redis from 'ioredis';
import { batchedLookup } from '../database/batched-lookup';

/**
 * What is known about one token id (`jti`) beyond its signature: revoked (logout), or carried over to a
 * newer token version (the token that changed the password stays valid after the version bump that
 * revoked the user's other tokens). Absent: the token stands on its own `tv` claim.
 */
export type TokenState = { revoked: true } | { revoked: false; carriedVersion: number } | null;

/**
 * Per-token state, kept only for the token's remaining life, so the store holds at most the tokens
 * revoked or carried over within one token lifetime. Shared by every pod in Redis, in memory on one node.
 */
export abstract class TokenRevocations {
  abstract state(tokenId: string): Promise<TokenState>;
  abstract revoke(tokenId: string, expiresAtMs: number): Promise<void>;
  abstract carry(tokenId: string, tokenVersion: number, expiresAtMs: number): Promise<void>;
}

const REVOKED = 'revoked';

function parse(value: string | null | undefined): TokenState {
  if (value === null || value === undefined) return null;
  if (value === REVOKED) return { revoked: true };
  const version = Number(value);
  return Number.isInteger(version) ? { revoked: false, carriedVersion: version } : null;
}

/**
 * Scaled mode: one key per token id, expiring with the token (`SET ... PXAT`). Lookups made in the same
 * turn of the event loop share one MGET, so a reconnect storm's handshakes cost a few round trips.
 */
export class RedisTokenRevocations extends TokenRevocations {
  private readonly lookup: (tokenId: string) => Promise<string | null>;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {
    super();
    this.lookup = batchedLookup(async (ids) => {
      const values = await redis.mget(ids.map((id) => this.key(id)));
      return new Map(ids.map((id, index) => [id, values[index] ?? null]));
    }, null);
  }

  private key(tokenId: string): string {
    return `${this.prefix}token:${tokenId}`;
  }

  async state(tokenId: string): Promise<TokenState> {
    return parse(await this.lookup(tokenId));
  }

  async revoke(tokenId: string, expiresAtMs: number): Promise<void> {
    if (expiresAtMs <= Date.now()) return;
    await this.redis.set(this.key(tokenId), REVOKED, 'PXAT', expiresAtMs);
  }

  async carry(tokenId: string, tokenVersion: number, expiresAtMs: number): Promise<void> {
    if (expiresAtMs <= Date.now()) return;
    // Never un-revoke: a token logged out meanwhile stays revoked.
    await this.redis.eval(
      `local v = redis.call('GET', KEYS[1]) if v == ARGV[3] then return 0 end redis.call('SET', KEYS[1], ARGV[1], 'PXAT', ARGV[2]) return 1`,
      1,
      this.key(tokenId),
      String(tokenVersion),
      String(expiresAtMs),
      REVOKED,
    );
  }
}

/** Embedded mode: one node, so a map is the whole truth; expired entries are dropped as the map grows. */
export class MemoryTokenRevocations extends TokenRevocations {
  private readonly entries = new Map<string, { value: string; until: number }>();
  private sweepAt = 1024;

  async state(tokenId: string): Promise<TokenState> {
    const entry = this.entries.get(tokenId);
    if (!entry) return null;
    if (entry.until <= Date.now()) {
      this.entries.delete(tokenId);
      return null;
    }
    return parse(entry.value);
  }

  async revoke(tokenId: string, expiresAtMs: number): Promise<void> {
    this.put(tokenId, REVOKED, expiresAtMs);
  }

  async carry(tokenId: string, tokenVersion: number, expiresAtMs: number): Promise<void> {
    if ((await this.state(tokenId))?.revoked) return;
    this.put(tokenId, String(tokenVersion), expiresAtMs);
  }

  private put(tokenId: string, value: string, until: number): void {
    if (until <= Date.now()) return;
    this.entries.set(tokenId, { value, until });
    if (this.entries.size >= this.sweepAt) {
      const now = Date.now();
      for (const [id, entry] of this.entries) if (entry.until <= now) this.entries.delete(id);
      // Sweep again only once the map doubled: amortised O(1) per entry.
      this.sweepAt = Math.max(1024, this.entries.size * 2);
    }
  }
}
