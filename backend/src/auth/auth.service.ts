import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { AuthResponse, ErrorCode, LoginRequest, RegisterRequest } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { toUser } from '../users/user.mapper';
import { UserRecord, UserRepository } from '../users/user.repository';
import type { AuthSession } from './auth-session';
import { LoginThrottle } from './login-throttle';
import { RateLimits } from '../limits/rate-limits';
import { PasswordHasher } from './password-hasher';
import { TokenRevocations } from './token-revocations';

interface TokenClaims {
  sub: string;
  /** The user's token_version when issued; a bump revokes the token (ban, logout everywhere, password change). */
  tv: number;
  /** Token id: a logout revokes this one token (TokenRevocations). */
  jti: string;
  /** Expiry (seconds since the epoch), set by the signer from JWT_TTL_SECONDS. */
  exp: number;
}

type NewClaims = Omit<TokenClaims, 'exp'>;

const BAD_CREDENTIALS = 'Invalid username or password';

@Injectable()
export class AuthService {
  /** Verified against when the username does not exist, so both paths cost the same. */
  private readonly decoyHash: Promise<string>;

  constructor(
    private readonly users: UserRepository,
    private readonly hasher: PasswordHasher,
    private readonly jwt: JwtService,
    private readonly throttle: LoginThrottle,
    private readonly revocations: TokenRevocations,
    private readonly limits: RateLimits,
  ) {
    this.decoyHash = hasher.hash('decoy-password-for-timing');
  }

  /**
   * `address`: the client's IP as Express sees it (honouring `trust proxy`). A place in the hash queue
   * is taken first (PasswordHasher.admit), so a flood is refused before any other work.
   */
  async register(request: RegisterRequest, address: string): Promise<AuthResponse> {
    const admission = this.hasher.admit(address);
    try {
      await this.limits.registerAddress.consume(address);
      const user = await this.users.insert({
        username: request.username,
        displayName: request.displayName?.trim() || request.username,
        passwordHash: await this.hasher.hash(request.password, address, admission),
      });
      if (!user) throw new AppError(ErrorCode.CONFLICT, `Username "${request.username}" is taken`);
      return await this.issue(user);
    } finally {
      admission.release();
    }
  }

  /** `address`: the client's IP as Express sees it (honouring `trust proxy`); the hash queue's place first, as in register. */
  async login(request: LoginRequest, address: string): Promise<AuthResponse> {
    const username = request.username.trim().toLowerCase();
    const admission = this.hasher.admit(address);
    try {
      // Reserved before any hashing, so concurrent guesses cannot all pass one check (see LoginThrottle).
      const attempt = await this.throttle.reserve(username, address);
      const user = await this.users.findByUsername(username);
      const valid = await this.hasher.verify(request.password, user?.passwordHash ?? (await this.decoyHash), address, admission);
      if (!user || !valid) {
        await this.throttle.failed(attempt);
        throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
      }
      await this.throttle.succeeded(attempt);
      if (user.bannedAt) throw AppError.forbidden(`This account is banned${user.banReason ? `: ${user.banReason}` : ''}`);
      return await this.issue(user);
    } finally {
      admission.release();
    }
  }

  /**
   * Who a bearer token stands for, or UNAUTHORIZED: a valid signature and expiry, not revoked by id,
   * and issued at the user's current token version (or carried over to it by a password change).
   * One batched user read and one batched Redis read (in parallel) per request or handshake.
   */
  async authenticate(token: string | undefined): Promise<AuthSession> {
    if (!token) throw new AppError(ErrorCode.UNAUTHORIZED, 'Missing access token');
    let claims: TokenClaims;
    try {
      claims = await this.jwt.verifyAsync<TokenClaims>(token);
    } catch {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid or expired access token');
    }
    // A token signed with our secret but not by us (a leaked secret, an old format) must not reach the
    // database with a malformed id: that would be a 500, not a 401.
    if (!isUUID(claims.sub) || !Number.isSafeInteger(claims.tv)) throw new AppError(ErrorCode.UNAUTHORIZED, 'Invalid access token');
    // Tokens from before token ids existed cannot be logged out one by one: they are refused.
    if (typeof claims.jti !== 'string' || typeof claims.exp !== 'number') {
      throw new AppError(ErrorCode.UNAUTHORIZED, 'Access token is outdated, please log in again');
    }
    const [user, state] = await Promise.all([this.users.findById(claims.sub), this.revocations.state(claims.jti)]);
    const version = state && !state.revoked ? state.carriedVersion : claims.tv;
    if (!user || state?.revoked || user.tokenVersion !== version) throw new AppError(ErrorCode.UNAUTHORIZED, 'Access token was revoked');
    if (user.bannedAt) throw new AppError(ErrorCode.UNAUTHORIZED, 'This account is banned');
    return { actor: toUser(user), tokenId: claims.jti, expiresAtMs: claims.exp * 1000 };
  }

  /** Revokes one token (logout): refused from now on, on every pod. */
  async revoke(session: AuthSession): Promise<void> {
    await this.revocations.revoke(session.tokenId, session.expiresAtMs);
  }

  /** Revokes every token of the user issued so far (logout everywhere). */
  async revokeAll(userId: string): Promise<void> {
    await this.users.bumpTokenVersion(userId);
  }

  /**
   * Changes the password and revokes every other token of the user: the version bump revokes them all,
   * then the caller's token is carried over to the new version. A wrong current password is a
   * VALIDATION_FAILED on `currentPassword` (not a 401, which would read as "your session ended"); past
   * RATE_LIMIT_LOGIN_FAILURES wrong guesses the change answers RATE_LIMITED.
   */
  async changePassword(session: AuthSession, currentPassword: string, newPassword: string): Promise<void> {
    const user = await this.users.findById(session.actor.id);
    if (!user) throw new AppError(ErrorCode.UNAUTHORIZED, 'Access token was revoked');
    // A stolen token must not become a password oracle: guesses of the current password count as failed
    // logins of the account (reserved before hashing, given back when right), RATE_LIMITED past the limit.
    const guesses = `password-change:${user.id}`;
    await this.limits.loginFailures.consume(guesses);
    if (!(await this.hasher.verify(currentPassword, user.passwordHash))) {
      throw AppError.validation([{ field: 'currentPassword', message: 'currentPassword is not your current password' }]);
    }
    await this.limits.loginFailures.refund(guesses);
    const version = await this.users.setPasswordAndRevokeTokens(user.id, await this.hasher.hash(newPassword));
    await this.revocations.carry(session.tokenId, version, session.expiresAtMs);
  }

  private async issue(user: UserRecord): Promise<AuthResponse> {
    const claims: NewClaims = { sub: user.id, tv: user.tokenVersion, jti: randomUUID() };
    return { accessToken: await this.jwt.signAsync(claims), user: toUser(user) };
  }
}
