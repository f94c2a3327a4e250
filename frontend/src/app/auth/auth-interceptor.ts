import { HttpErrorResponse, HttpInterceptorFn } from '@angular/common/http';
import { inject } from '@angular/core';
import { catchError, throwError } from 'rxjs';
import { SessionStore } from './session-store';

function isOwnApi(url: string): boolean {
  return url.startsWith('/api/');
}

/** Login and registration carry no token (logout does: it revokes the token it is called with). */
function isAuthRoute(url: string): boolean {
  return url === '/api/auth/login' || url === '/api/auth/register';
}

/** Adds the bearer token to our API calls; a 401 on an authenticated call ends the session. */
export const authInterceptor: HttpInterceptorFn = (req, next) => {
  const session = inject(SessionStore);
  const token = session.token();
  const authenticated = token !== null && isOwnApi(req.url) && !isAuthRoute(req.url);
  const request = authenticated ? req.clone({ setHeaders: { Authorization: `Bearer ${token}` } }) : req;

  return next(request).pipe(
    catchError((err: unknown) => {
      // A 401 from login means wrong credentials, not an expired session.
      if (authenticated && err instanceof HttpErrorResponse && err.status === 401) {
        session.expire();
      }
      return throwError(() => err);
    }),
  );
};
