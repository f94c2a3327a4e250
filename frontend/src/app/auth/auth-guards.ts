import { inject } from '@angular/core';
import { CanMatchFn, Router } from '@angular/router';
import { SessionStore } from './session-store';

/** Routes for logged-in users; others go to the login page. */
export const authGuard: CanMatchFn = () => inject(SessionStore).loggedIn() || inject(Router).createUrlTree(['/login']);

/** Login and register pages; a logged-in user goes straight to the app. */
export const guestGuard: CanMatchFn = () => !inject(SessionStore).loggedIn() || inject(Router).createUrlTree(['/']);

/** The admin area; the server checks the role again on every call. */
export const adminGuard: CanMatchFn = () => inject(SessionStore).user()?.role === 'admin' || inject(Router).createUrlTree(['/']);
