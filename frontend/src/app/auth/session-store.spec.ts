import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { SESSION_EXPIRED_MESSAGE, SessionStore, USER_DATA_KEYS } from './session-store';

const ALICE = { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' as const };

describe('SessionStore', () => {
  function setup(): { session: SessionStore; navigate: jest.SpyInstance } {
    TestBed.configureTestingModule({
      providers: [provideRouter([]), { provide: USER_DATA_KEYS, useValue: (id: string) => [`chat.outbox.${id}`, `chat.drafts.${id}`] }],
    });
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    return { session: TestBed.inject(SessionStore), navigate };
  }

  beforeEach(() => localStorage.clear());

  it('keeps the session in localStorage, so a reload stays logged in', () => {
    setup().session.start({ accessToken: 'jwt', user: ALICE });
    TestBed.resetTestingModule();
    const { session } = setup();
    expect(session.loggedIn()).toBe(true);
    expect(session.token()).toBe('jwt');
    expect(session.user()).toEqual(ALICE);
  });

  it('ends an expired session with a message for the login page, keeping unsent work', () => {
    const { session, navigate } = setup();
    session.start({ accessToken: 'jwt', user: ALICE });
    localStorage.setItem('chat.outbox.u1', '[]');
    session.expire();
    expect(session.loggedIn()).toBe(false);
    expect(session.notice()).toBe(SESSION_EXPIRED_MESSAGE);
    expect(navigate).toHaveBeenCalledWith('/login');
    expect(localStorage.getItem('chat.outbox.u1')).toBe('[]');
  });

  it('says why when the server closed the session (a ban)', () => {
    const { session } = setup();
    session.start({ accessToken: 'jwt', user: ALICE });
    session.expire('Your account was banned: spam');
    expect(session.notice()).toBe('Your account was banned: spam');
  });

  it('forgets the user’s drafts and unsent messages on logout', () => {
    const { session } = setup();
    session.start({ accessToken: 'jwt', user: ALICE });
    localStorage.setItem('chat.outbox.u1', '[]');
    localStorage.setItem('chat.drafts.u1', '{}');
    localStorage.setItem('chat.drafts.u2', '{}');
    session.logout();
    expect(session.notice()).toBeNull();
    expect(localStorage.getItem('chat.token')).toBeNull();
    expect(localStorage.getItem('chat.outbox.u1')).toBeNull();
    expect(localStorage.getItem('chat.drafts.u1')).toBeNull();
    expect(localStorage.getItem('chat.drafts.u2')).toBe('{}');
  });
});
