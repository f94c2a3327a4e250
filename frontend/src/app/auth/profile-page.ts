import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { LIMITS } from '@chat/contracts';
import { Notifier } from '../chat/notifier';
import { errorMessage, fieldErrors } from '../core/api-error';
import { NotifySettingsStore } from '../rooms/notify-settings';
import { AuthApi } from './auth-api';
import { SessionStore } from './session-store';

/** The signed-in user's display name, password and notifications. */
@Component({
  selector: 'app-profile-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  template: `
    <section class="page">
      <h1>Profile</h1>
      <form class="form" [formGroup]="nameForm" (ngSubmit)="saveName()" novalidate aria-labelledby="profile-name-title">
        <h2 id="profile-name-title">Display name</h2>
        <div class="field">
          <label for="profile-display-name">Display name</label>
          <input id="profile-display-name" formControlName="displayName" [maxlength]="nameMax" autocomplete="nickname" required />
          @if (nameForm.controls.displayName.touched && nameForm.controls.displayName.invalid) {
            <p class="field__error">Up to {{ nameMax }} characters, not blank.</p>
          }
        </div>
        @if (nameStatus(); as status) {
          <p class="alert" [class.alert--info]="status.ok" [attr.role]="status.ok ? 'status' : 'alert'">{{ status.text }}</p>
        }
        <button type="submit" class="button" [disabled]="nameBusy()">Save name</button>
      </form>

      <form class="form" [formGroup]="passwordForm" (ngSubmit)="savePassword()" novalidate aria-labelledby="profile-password-title">
        <h2 id="profile-password-title">Password</h2>
        <div class="field">
          <label for="profile-current-password">Current password</label>
          <input id="profile-current-password" type="password" formControlName="currentPassword" autocomplete="current-password" required />
        </div>
        <div class="field">
          <label for="profile-new-password">New password</label>
          <input id="profile-new-password" type="password" formControlName="newPassword" autocomplete="new-password" required />
          @if (passwordForm.controls.newPassword.touched && passwordForm.controls.newPassword.invalid) {
            <p class="field__error">{{ passwordMin }} to {{ passwordMax }} characters.</p>
          }
        </div>
        @if (passwordStatus(); as status) {
          <p class="alert" [class.alert--info]="status.ok" [attr.role]="status.ok ? 'status' : 'alert'">{{ status.text }}</p>
        }
        <button type="submit" class="button" [disabled]="passwordBusy()">Change password</button>
      </form>

      <section class="form" aria-labelledby="profile-notify-title">
        <h2 id="profile-notify-title">Notifications</h2>
        <p class="muted">For direct messages and messages that mention me, while this tab is in the background. Muted rooms stay quiet.</p>
        <div class="field field--check">
          <input id="profile-notify-desktop" type="checkbox" [checked]="settings().desktop" (change)="setDesktop($event)" />
          <label for="profile-notify-desktop">Desktop notifications</label>
        </div>
        @if (desktopProblem(); as problem) {
          <p class="alert" role="alert">{{ problem }}</p>
        }
        <div class="field field--check">
          <input id="profile-notify-sound" type="checkbox" [checked]="settings().sound" (change)="setSound($event)" />
          <label for="profile-notify-sound">Play a sound</label>
        </div>
      </section>
    </section>
  `,
})
export class ProfilePage {
  private readonly api = inject(AuthApi);
  private readonly session = inject(SessionStore);
  private readonly notifier = inject(Notifier);
  private readonly notify = inject(NotifySettingsStore);
  protected readonly settings = this.notify.settings;
  protected readonly desktopProblem = signal<string | null>(null);

  protected readonly nameMax = LIMITS.displayNameMax;
  protected readonly passwordMin = LIMITS.passwordMin;
  protected readonly passwordMax = LIMITS.passwordMax;
  protected readonly nameBusy = signal(false);
  protected readonly passwordBusy = signal(false);
  protected readonly nameStatus = signal<{ ok: boolean; text: string } | null>(null);
  protected readonly passwordStatus = signal<{ ok: boolean; text: string } | null>(null);

  protected readonly nameForm = new FormGroup({
    displayName: new FormControl(this.session.user()?.displayName ?? '', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(LIMITS.displayNameMax), Validators.pattern(/\S/)],
    }),
  });
  protected readonly passwordForm = new FormGroup({
    currentPassword: new FormControl('', { nonNullable: true, validators: [Validators.required] }),
    newPassword: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.minLength(LIMITS.passwordMin), Validators.maxLength(LIMITS.passwordMax)],
    }),
  });

  /** Turning desktop notifications on asks the browser first; a refusal is explained, the box stays off. */
  protected async setDesktop(event: Event): Promise<void> {
    const box = event.target as HTMLInputElement;
    this.desktopProblem.set(null);
    if (!box.checked) {
      this.notify.update({ desktop: false });
      return;
    }
    const answer = await this.notifier.enableDesktop();
    box.checked = answer === 'granted';
    if (answer === 'denied')
      this.desktopProblem.set('This browser blocks notifications from this site: allow them in its site settings, then try again.');
    else if (answer === 'unsupported') this.desktopProblem.set('This browser cannot show notifications.');
  }

  protected setSound(event: Event): void {
    this.notify.update({ sound: (event.target as HTMLInputElement).checked });
  }

  protected async saveName(): Promise<void> {
    if (this.nameForm.invalid) {
      this.nameForm.markAllAsTouched();
      return;
    }
    this.nameBusy.set(true);
    this.nameStatus.set(null);
    try {
      const user = await this.api.updateProfile({ displayName: this.nameForm.getRawValue().displayName.trim() });
      this.session.updateUser(user);
      this.nameForm.setValue({ displayName: user.displayName });
      this.nameStatus.set({ ok: true, text: 'Display name saved.' });
    } catch (err) {
      this.nameStatus.set({ ok: false, text: fieldErrors(err)['displayName'] ?? errorMessage(err) });
    } finally {
      this.nameBusy.set(false);
    }
  }

  protected async savePassword(): Promise<void> {
    if (this.passwordForm.invalid) {
      this.passwordForm.markAllAsTouched();
      return;
    }
    this.passwordBusy.set(true);
    this.passwordStatus.set(null);
    try {
      await this.api.changePassword(this.passwordForm.getRawValue());
      this.passwordForm.reset();
      this.passwordStatus.set({ ok: true, text: 'Password changed. Your other sessions were logged out.' });
    } catch (err) {
      const fields = fieldErrors(err);
      const text = fields['currentPassword'] ? 'That is not your current password.' : (fields['newPassword'] ?? errorMessage(err));
      this.passwordStatus.set({ ok: false, text });
    } finally {
      this.passwordBusy.set(false);
    }
  }
}
