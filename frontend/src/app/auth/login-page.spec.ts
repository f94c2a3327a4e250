import { provideHttpClient, withInterceptors } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import type { AuthResponse } from '@chat/contracts';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { flushPromises } from '../../testing/fixtures';
import { authInterceptor } from './auth-interceptor';
import { LoginPage } from './login-page';
import { SessionStore } from './session-store';

describe('LoginPage', () => {
  let fixture: ComponentFixture<LoginPage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({
      providers: [
        provideRouter([{ path: 'login', children: [] }]),
        provideHttpClient(withInterceptors([authInterceptor])),
        provideHttpClientTesting(),
      ],
    });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(LoginPage);
    root = fixture.nativeElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  async function fillAndSubmit(username: string, password: string): Promise<void> {
    typeInto(byLabel(root, 'Username'), username);
    typeInto(byLabel(root, 'Password'), password);
    byButton(root, 'Log in').click();
    await fixture.whenStable();
  }

  it('puts the cursor in the username field', () => {
    expect(document.activeElement).toBe(byLabel(root, 'Username'));
  });

  it('logs in, stores the token and goes to the app', async () => {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    await fillAndSubmit('Alice ', 'secret-password');

    const req = http.expectOne('/api/auth/login');
    expect(req.request.method).toBe('POST');
    expect(req.request.body).toEqual({ username: 'alice', password: 'secret-password' });
    expect(req.request.headers.has('Authorization')).toBe(false);
    const auth: AuthResponse = {
      accessToken: 'jwt',
      user: { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' },
    };
    req.flush(auth);
    await flushPromises();

    const session = TestBed.inject(SessionStore);
    expect(session.token()).toBe('jwt');
    expect(session.user()?.displayName).toBe('Alice');
    expect(localStorage.getItem('chat.token')).toBe('jwt');
    expect(navigate).toHaveBeenCalledWith('/');
  });

  it("shows the server's message when credentials are wrong, without ending any session", async () => {
    await fillAndSubmit('alice', 'wrong-password');
    http
      .expectOne('/api/auth/login')
      .flush({ error: { code: 'UNAUTHORIZED', message: 'Wrong username or password' } }, { status: 401, statusText: 'Unauthorized' });
    await flushPromises();
    await fixture.whenStable();

    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Wrong username or password');
    expect(byButton(root, 'Log in').disabled).toBe(false);
  });

  it('asks for both fields before calling the server', async () => {
    byButton(root, 'Log in').click();
    await fixture.whenStable();
    http.expectNone('/api/auth/login');
    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Enter your username and password');
  });

  it('says why the user was sent back here', async () => {
    TestBed.inject(SessionStore).start({
      accessToken: 'old',
      user: { id: 'u1', username: 'alice', displayName: 'Alice', role: 'user' },
    });
    TestBed.inject(SessionStore).expire();
    await fixture.whenStable();
    expect(root.querySelector('[role="status"]')?.textContent).toContain('Your session expired, please log in again');
  });
});
