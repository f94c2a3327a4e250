import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { isUUID } from 'class-validator';
import { AuthResponse, ErrorCode, LoginRequest, RegisterRequest } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { toUser } from '../users/user.mapper';
import { UserRecord, UserRepository } from '../users/user.repository';
import { Actor } from './actor';
import { LoginThrottle } from './login-throttle';
import { PasswordHasher } from './password-hasher';

interface TokenClaims {
  sub: string;
  /** The user's token_version when issued; a bump revokes the token. */
  tv: number;
}

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
  ) {
    this.decoyHash = hasher.hash('decoy-password-for-timing');
  }

  async register(request: RegisterRequest): Promise<AuthResponse> {
    const user = await this.users.insert({
      username: request.username,
      displayName: request.displayName?.trim() || request.username,
      passwordHash: await this.hasher.hash(request.password),
    });
    if (!user) throw new AppError(ErrorCode.CONFLICT, `Username "${request.username}" is taken`);
    return this.issue(user);
  }

  async login(request: LoginRequest): Promise<AuthResponse> {
    const username = request.username.trim().toLowerCase();
    await this.throttle.assertAllowed(username);
    const user = await this.users.findByUsername(username);
    const valid = await this.hasher.verify(request.password, user?.passwordHash ?? (await this.decoyHash));
    if (!user || !valid) {
      await this.throttle.failed(username);
      throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
    }
    await this.throttle.succeeded(username);
    if (user.bannedAt) throw AppError.forbidden(`This account is banned${user.banReason ? `: ${user.banReason}` : ''}`);
    return this.issue(user);
  }

  /** Who a bearer token stands for, or UNAUTHORIZED. */
  async authenticate(token: string | undefined): Promise<Actor> {
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
    const user = await this.users.findById(claims.sub);
    if (!user || user.tokenVersion !== claims.tv) throw new AppError(ErrorCode.UNAUTHORIZED, 'Access token was revoked');
    if (user.bannedAt) throw new AppError(ErrorCode.UNAUTHORIZED, 'This account is banned');
    return toUser(user);
  }

  private async issue(user: UserRecord): Promise<AuthResponse> {
    const claims: TokenClaims = { sub: user.id, tv: user.tokenVersion };
    return { accessToken: await this.jwt.signAsync(claims), user: toUser(user) };
  }
}
