import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AuthResponse, ErrorCode, LoginRequest, RegisterRequest } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { toUser } from '../users/user.mapper';
import { UserRecord, UserRepository } from '../users/user.repository';
import { Actor } from './actor';
import { LoginThrottle } from './login-throttle';
import { RateLimits } from '../limits/rate-limits';
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
    private readonly limits: RateLimits,
  ) {
    this.decoyHash = hasher.hash('decoy-password-for-timing');
  }

  /** `address`: the client's IP as Express sees it (honouring `trust proxy`). */
  async register(request: RegisterRequest, address: string): Promise<AuthResponse> {
    await this.limits.registerAddress.consume(address);
    const user = await this.users.insert({
      username: request.username,
      displayName: request.displayName?.trim() || request.username,
      passwordHash: await this.hasher.hash(request.password, address),
    });
    if (!user) throw new AppError(ErrorCode.CONFLICT, `Username "${request.username}" is taken`);
    return this.issue(user);
  }

  /** `address`: the client's IP as Express sees it (honouring `trust proxy`). */
  async login(request: LoginRequest, address: string): Promise<AuthResponse> {
    const username = request.username.trim().toLowerCase();
    // Reserved before any hashing, so concurrent guesses cannot all pass one check (see LoginThrottle).
    const attempt = await this.throttle.reserve(username, address);
    const user = await this.users.findByUsername(username);
    const valid = await this.hasher.verify(request.password, user?.passwordHash ?? (await this.decoyHash), address);
    if (!user || !valid) {
      await this.throttle.failed(attempt);
      throw new AppError(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
    }
    await this.throttle.succeeded(attempt);
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
