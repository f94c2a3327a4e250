import { ExecutionContext, SetMetadata, createParamDecorator } from '@nestjs/common';
import type { Request } from 'express';
import type { Role } from '@chat/contracts';
import { AppError } from './app-error';

/**
 * Route metadata and the acting user as the global AuthGuard (auth/) reads and leaves them. They live
 * here, below every feature, so that controllers of modules under auth (users, metrics, health) can use
 * them without importing auth.
 */
export const PUBLIC_KEY = 'auth:public';
export const ROLES_KEY = 'auth:roles';

/** Marks a route that needs no token. Everything else does. */
export const Public = () => SetMetadata(PUBLIC_KEY, true);
/** Restricts a route to the given roles (e.g. admin). */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** The authenticated user the guard put on the request: an auth/ Actor (the contract's User). */
export const CurrentUser = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const user = context.switchToHttp().getRequest<Request & { user?: unknown }>().user;
  if (!user) throw new AppError('UNAUTHORIZED', 'Not authenticated');
  return user;
});

/** The authenticated token the guard put on the request (an auth/ AuthSession): for logout and password change. */
export const CurrentSession = createParamDecorator((_: unknown, context: ExecutionContext): unknown => {
  const session = context.switchToHttp().getRequest<Request & { session?: unknown }>().session;
  if (!session) throw new AppError('UNAUTHORIZED', 'Not authenticated');
  return session;
});

/** The token of an `Authorization: Bearer <token>` header. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
