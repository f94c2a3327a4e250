import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router, RouterLink } from '@angular/router';
import { LIMITS, USERNAME_PATTERN } from '@chat/contracts';
import { errorMessage, fieldErrors } from '../core/api-error';
import { AuthApi } from './auth-api';
import { SessionStore } from './session-store';

@Component({
  selector: 'app-register-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './auth-page.css',
  imports: [ReactiveFormsModule, RouterLink],
  templateUrl: './register-page.html',
})
export class RegisterPage {
  private readonly api = inject(AuthApi);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);

  protected readonly limits = LIMITS;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  /** Field messages from the server's VALIDATION_FAILED answer. */
  protected readonly serverFields = signal<Readonly<Record<string, string>>>({});
  protected readonly form = new FormGroup({
    username: new FormControl('', {
      nonNullable: true,
      validators: [
        Validators.required,
        Validators.minLength(LIMITS.usernameMin),
        Validators.maxLength(LIMITS.usernameMax),
        Validators.pattern(USERNAME_PATTERN),
      ],
    }),
    displayName: new FormControl('', { nonNullable: true, validators: [Validators.maxLength(LIMITS.displayNameMax)] }),
    password: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(LIMITS.passwordMin), Validators.maxLength(LIMITS.passwordMax)],
    }),
  });

  protected showError(field: 'username' | 'displayName' | 'password'): boolean {
    const control = this.form.controls[field];
    return control.invalid && control.touched;
  }

  protected async submit(): Promise<void> {
    this.serverFields.set({});
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      this.error.set('Please fix the highlighted fields.');
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const { username, displayName, password } = this.form.getRawValue();
      const name = displayName.trim();
      this.session.start(await this.api.register({ username, password, ...(name ? { displayName: name } : {}) }));
      await this.router.navigateByUrl('/');
    } catch (err) {
      // A refused field shows its reason under the field; the alert then only points there, not repeat it.
      const fields = fieldErrors(err);
      this.serverFields.set(fields);
      this.error.set(Object.keys(fields).length ? 'Please fix the highlighted fields.' : errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}
