import { HttpClient, provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { firstValueFrom } from 'rxjs';
import { flushPromises } from '../../testing/fixtures';
import { authInterceptor } from './auth-interceptor';
import { SESSION_EXPIRED_MESSAGE, SessionStore } from './session-store';

describe('authInterceptor', () => {
  let http: HttpClient;
  let backend: HttpTestingController;
  let session: SessionStore;

  beforeEach(() => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'login', children: [] }]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpClient);
    backend = TestBed.inject(HttpTestingController);
    session = TestBed.inject(SessionStore);
    session.start({ accessToken: 'jwt', user: { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' } });
  });

  afterEach(() => backend.verify());

  it('adds the bearer token to API calls', () => {
    void firstValueFrom(http.get('/api/rooms'));
    expect(backend.expectOne('/api/rooms').request.headers.get('Authorization')).toBe('Bearer jwt');
  });

  it('leaves other URLs alone', () => {
    void firstValueFrom(http.get('/health/live'));
    expect(backend.expectOne('/health/live').request.headers.has('Authorization')).toBe(false);
  });

  it('ends the session on a 401 and sends the user to the login page with a message', async () => {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl');
    const result = firstValueFrom(http.get('/api/rooms')).catch((err: unknown) => err);
    backend
      .expectOne('/api/rooms')
      .flush({ error: { code: 'UNAUTHORIZED', message: 'expired' } }, { status: 401, statusText: 'Unauthorized' });
    await flushPromises();

    await expect(result).resolves.toMatchObject({ status: 401 });
    expect(session.token()).toBeNull();
    expect(localStorage.getItem('chat.token')).toBeNull();
    expect(session.notice()).toBe(SESSION_EXPIRED_MESSAGE);
    expect(navigate).toHaveBeenCalledWith('/login');
  });

  it('keeps the session on other errors', async () => {
    const result = firstValueFrom(http.get('/api/rooms')).catch((err: unknown) => err);
    backend.expectOne('/api/rooms').flush({ error: { code: 'FORBIDDEN', message: 'no' } }, { status: 403, statusText: 'Forbidden' });
    await expect(result).resolves.toMatchObject({ status: 403 });
    expect(session.token()).toBe('jwt');
  });
});

describe('SessionStore', () => {
  it('restores the session from localStorage on reload', () => {
    localStorage.setItem('chat.token', 'saved');
    localStorage.setItem('chat.user', JSON.stringify({ id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' }));
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    const session = TestBed.inject(SessionStore);
    expect(session.loggedIn()).toBe(true);
    expect(session.user()?.username).toBe('alice');
  });

  it('ignores a corrupt cached user', () => {
    localStorage.setItem('chat.token', 'saved');
    localStorage.setItem('chat.user', '{not json');
    TestBed.configureTestingModule({ providers: [provideRouter([])] });
    expect(TestBed.inject(SessionStore).user()).toBeNull();
  });
});
