import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { PUBLIC_KEY, ROLES_KEY, bearerToken } from '../common/route-access';
import { RateLimits } from '../limits/rate-limits';
import { Actor } from './actor';
import type { AuthSession } from './auth-session';
import { AuthService } from './auth.service';

type AuthedRequest = Request & { user?: Actor; session?: AuthSession };

/**
 * Global guard: bearer JWT on every HTTP route not marked @Public(), the user's REST limit
 * (RATE_LIMIT_REST), then role checks; sets the request's Actor for @CurrentUser().
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
    private readonly limits: RateLimits,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const session = await this.auth.authenticate(bearerToken(request.headers.authorization));
    const user = session.actor;
    await this.limits.rest.consume(user.id);
    request.user = user;
    request.session = session;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) throw AppError.forbidden('This needs the admin role');
    return true;
  }
}
