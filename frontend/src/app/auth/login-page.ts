import { ChangeDetectionStrategy, Component, ElementRef, afterNextRender, inject, signal, viewChild } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { errorMessage } from '../core/api-error';
import { AuthApi } from './auth-api';
import { SessionStore } from './session-store';

@Component({
  selector: 'app-login-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './auth-page.css',
  imports: [ReactiveFormsModule, RouterLink],
  template: `
    <main class="auth">
      <div class="auth__inner">
        <p class="auth__brand">Chat<span>Rooms, direct messages, in real time</span></p>
        <section class="auth__card">
          <h1>Log in</h1>
          @if (notice(); as message) {
            <p class="alert alert--info" role="status">{{ message }}</p>
          }
          <form class="form" [formGroup]="form" (ngSubmit)="submit()" novalidate>
            <div class="field">
              <label for="login-username">Username</label>
              <input #username id="login-username" formControlName="username" autocomplete="username" autocapitalize="none" required />
            </div>
            <div class="field">
              <label for="login-password">Password</label>
              <input id="login-password" type="password" formControlName="password" autocomplete="current-password" required />
            </div>
            @if (error(); as message) {
              <p class="alert" role="alert">{{ message }}</p>
            }
            <button type="submit" class="button button--block" [disabled]="busy()">
              {{ busy() ? 'Logging in…' : 'Log in' }}
            </button>
          </form>
          <p class="auth__switch">New here? <a routerLink="/register">Create an account</a></p>
        </section>
      </div>
    </main>
  `,
})
export class LoginPage {
  private readonly api = inject(AuthApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  protected readonly notice = this.session.notice;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly form = new FormGroup({
    username: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    password: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
  });
  private readonly username = viewChild.required<ElementRef<HTMLInputElement>>('username');

  constructor() {
    // Typing the username is all there is to do here, on a phone too. (The autofocus attribute only
    // works on the first page a browser loads, not after a client-side navigation such as a logout.)
    afterNextRender({ write: () => this.username().nativeElement.focus() });
  }

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.error.set('Enter your username and password.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const { username, password } = this.form.getRawValue();
      this.session.start(await this.api.login({ username: username.trim().toLowerCase(), password }));
      await this.router.navigateByUrl('/');
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}
