import { provideHttpClient } from '@angular/common/http';
import { HttpTestingController, provideHttpClientTesting } from '@angular/common/http/testing';
import { ComponentFixture, TestBed } from '@angular/core/testing';
import { Router, provideRouter } from '@angular/router';
import { byButton, byLabel, typeInto } from '../../testing/dom';
import { flushPromises } from '../../testing/fixtures';
import { RegisterPage } from './register-page';
import { SessionStore } from './session-store';

describe('RegisterPage', () => {
  let fixture: ComponentFixture<RegisterPage>;
  let root: HTMLElement;
  let http: HttpTestingController;

  beforeEach(async () => {
    localStorage.clear();
    TestBed.configureTestingModule({ providers: [provideRouter([]), provideHttpClient(), provideHttpClientTesting()] });
    http = TestBed.inject(HttpTestingController);
    fixture = TestBed.createComponent(RegisterPage);
    root = fixture.nativeElement;
    await fixture.whenStable();
  });

  afterEach(() => http.verify());

  it('creates the account and starts the session', async () => {
    const navigate = jest.spyOn(TestBed.inject(Router), 'navigateByUrl').mockResolvedValue(true);
    typeInto(byLabel(root, 'Username'), 'carol');
    typeInto(byLabel(root, 'Display name'), ' Carol C ');
    typeInto(byLabel(root, 'Password'), 'long-enough');
    byButton(root, 'Create account').click();

    const req = http.expectOne('/api/auth/register');
    expect(req.request.body).toEqual({ username: 'carol', password: 'long-enough', displayName: 'Carol C' });
    req.flush({ accessToken: 'jwt', user: { id: 'u3', username: 'carol', displayName: 'Carol C', role: 'user' } });
    await flushPromises();

    expect(TestBed.inject(SessionStore).token()).toBe('jwt');
    expect(navigate).toHaveBeenCalledWith('/');
  });

  it('checks the username and password rules before calling the server', async () => {
    typeInto(byLabel(root, 'Username'), 'No Spaces!');
    typeInto(byLabel(root, 'Password'), 'short');
    byButton(root, 'Create account').click();
    await fixture.whenStable();

    http.expectNone('/api/auth/register');
    expect(byLabel(root, 'Username').getAttribute('aria-invalid')).toBe('true');
    expect(root.textContent).toContain('Use 8–128 characters.');
  });

  it('shows which field the server refused, once: under the field, the alert pointing there', async () => {
    typeInto(byLabel(root, 'Username'), 'taken');
    typeInto(byLabel(root, 'Password'), 'long-enough');
    byButton(root, 'Create account').click();
    http.expectOne('/api/auth/register').flush(
      {
        error: {
          code: 'VALIDATION_FAILED',
          message: 'password: password is one of the most common passwords',
          fields: [{ field: 'password', message: 'password is one of the most common passwords' }],
        },
      },
      { status: 400, statusText: 'Bad Request' },
    );
    await flushPromises();
    await fixture.whenStable();

    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Please fix the highlighted fields.');
    expect(byLabel(root, 'Password').getAttribute('aria-invalid')).toBe('true');
    expect(root.textContent?.split('one of the most common passwords').length).toBe(2);
  });

  it('says in the alert why the server refused when no field is named', async () => {
    typeInto(byLabel(root, 'Username'), 'someone');
    typeInto(byLabel(root, 'Password'), 'long-enough');
    byButton(root, 'Create account').click();
    http
      .expectOne('/api/auth/register')
      .flush({ error: { code: 'CONFLICT', message: 'Username "someone" is taken' } }, { status: 409, statusText: 'Conflict' });
    await flushPromises();
    await fixture.whenStable();

    expect(root.querySelector('[role="alert"]')?.textContent).toContain('Username "someone" is taken');
  });
});
