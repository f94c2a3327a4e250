import { CanActivate, ExecutionContext, Injectable, SetMetadata, createParamDecorator } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Role } from '@chat/contracts';
import { AppError } from '../common/app-error';
import { UserEntity } from '../users/user.entity';
import { AuthService } from './auth.service';

const PUBLIC_KEY = 'auth:public';
const ROLES_KEY = 'auth:roles';

/** Marks a route that needs no token. Everything else does. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Restricts a route to the given roles (e.g. admin). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

type AuthedRequest = Request & { user?: UserEntity };

export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): UserEntity => {
  const user = context.switchToHttp().getRequest<AuthedRequest>().user;
  if (!user) throw new AppError('UNAUTHORIZED', 'Not authenticated');
  return user;
});

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Global guard: bearer JWT on every HTTP route not marked @Public(), then role checks. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly auth: AuthService,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    const user = await this.auth.authenticate(bearerToken(request.headers.authorization));
    request.user = user;
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (roles && !roles.includes(user.role)) throw AppError.forbidden('This needs the admin role');
    return true;
  }
}
