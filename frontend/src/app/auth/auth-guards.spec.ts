import { TestBed } from '@angular/core/testing';
import { Router, UrlTree, provideRouter, type PartialMatchRouteSnapshot, type Route, type UrlSegment } from '@angular/router';
import { adminGuard, authGuard, guestGuard } from './auth-guards';
import { SessionStore } from './session-store';

describe('route guards', () => {
  const route: Route = {};
  const segments: UrlSegment[] = [];
  // The guards read neither the route nor the snapshot.
  const snapshot = {} as PartialMatchRouteSnapshot;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
  });

  const run = (guard: typeof authGuard) => TestBed.runInInjectionContext(() => guard(route, segments, snapshot));
  const url = (result: unknown) => (result instanceof UrlTree ? TestBed.inject(Router).serializeUrl(result) : result);

  it('sends a visitor without a session to the login page', () => {
    expect(url(run(authGuard))).toBe('/login');
    expect(run(guestGuard)).toBe(true);
  });

  it('sends a logged-in user past the login page', () => {
    TestBed.inject(SessionStore).start({
      accessToken: 'jwt',
      user: { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' },
    });
    expect(run(authGuard)).toBe(true);
    expect(url(run(guestGuard))).toBe('/');
  });

  it('lets only admins into the admin area', () => {
    const session = TestBed.inject(SessionStore);
    session.start({ accessToken: 'jwt', user: { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' } });
    expect(url(run(adminGuard))).toBe('/');
    session.start({ accessToken: 'jwt', user: { id: 'u2', username: 'root', displayName: 'Root', role: 'admin' } });
    expect(run(adminGuard)).toBe(true);
  });
});
