import { Injectable } from '@nestjs/common';
import { RateLimits } from '../limits/rate-limits';

/** A login attempt that passed the limits; settle it with succeeded() or failed() once the password is checked. */
export interface LoginAttempt {
  readonly username: string;
  readonly pairKey: string;
  /** It took a point of the account-wide failure limit (refunded on success). */
  readonly accountCharged: boolean;
  /** It took the pair's last free failure: failing it starts the pair's next backoff. */
  readonly lastFree: boolean;
}

/**
 * Password guessing protection, reserve-then-verify: every limit is taken atomically (Redis Lua, or in
 * memory on one node) BEFORE the password is hashed, and given back when the login succeeds, so N
 * concurrent guesses get at most the limit's worth of hashing; the rest are refused with RATE_LIMITED.
 *
 * - Per address: RATE_LIMIT_LOGIN_ADDRESS attempts, whatever the account.
 * - Per (account, address): RATE_LIMIT_LOGIN_FAILURES failures; using them up blocks that pair for
 *   LOGIN_BACKOFF_BASE_SECONDS, doubling with each further round (capped at LOGIN_BACKOFF_MAX_SECONDS,
 *   strikes forgotten a day after the first). A stranger's guesses back off the stranger's address only.
 * - Per account from every address: RATE_LIMIT_LOGIN_ACCOUNT_FAILURES failures, against guessing from
 *   many addresses. Past it the account is not locked: an address with no failure for it in the pair's
 *   window still gets its attempt, so the owner (whose address the guessers do not share) gets in, while
 *   guessers get one guess per fresh address.
 * A success clears the pair's failures and strikes.
 */
@Injectable()
export class LoginThrottle {
  constructor(private readonly limits: RateLimits) {}

  async reserve(username: string, address: string): Promise<LoginAttempt> {
    const { loginAddress, loginFailures, loginAccountFailures } = this.limits;
    await loginAddress.consume(address);
    const pairKey = `${username}|${address}`;
    const pair = await loginFailures.consume(pairKey);
    const account = await loginAccountFailures.attempt(username);
    if (!account.allowed && pair.consumed > 1) {
      await loginFailures.refund(pairKey);
      throw loginAccountFailures.refuse(account.retryAfterMs);
    }
    return { username, pairKey, accountCharged: account.allowed, lastFree: pair.consumed === loginFailures.rate.points };
  }

  async succeeded(attempt: LoginAttempt): Promise<void> {
    const { loginFailures, loginStrikes, loginAccountFailures } = this.limits;
    await Promise.all([
      loginFailures.reset(attempt.pairKey),
      loginStrikes.reset(attempt.pairKey),
      attempt.accountCharged ? loginAccountFailures.refund(attempt.username) : Promise.resolve(),
    ]);
  }

  async failed(attempt: LoginAttempt): Promise<void> {
    if (!attempt.lastFree) return;
    const { loginFailures, loginStrikes, settings } = this.limits;
    const strikes = await loginStrikes.attempt(attempt.pairKey);
    const round = strikes.allowed ? strikes.consumed : Number.MAX_SAFE_INTEGER;
    await loginFailures.block(attempt.pairKey, backoffSeconds(round, settings.loginBackoff));
  }
}

/** Seconds a pair is blocked after using up its failures for the `round`-th time (1, 2, ...). */
export function backoffSeconds(round: number, backoff: { baseSeconds: number; maxSeconds: number }): number {
  const exponent = Math.min(Math.max(round - 1, 0), 30);
  return Math.min(backoff.baseSeconds * 2 ** exponent, backoff.maxSeconds);
}
