import { ChangeDetectionStrategy, Component, inject, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule, Validators } from '@angular/forms';
import { Router } from '@angular/router';
import { LIMITS, type RoomVisibility } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { RoomsStore } from './rooms-store';

@Component({
  selector: 'app-create-room-page',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [ReactiveFormsModule],
  template: `
    <section class="page">
      <h1>Create a room</h1>
      <form class="form" [formGroup]="form" (ngSubmit)="submit()" novalidate>
        <div class="field">
          <label for="room-name">Room name</label>
          <input id="room-name" formControlName="name" [maxlength]="max" autocomplete="off" required />
          @if (form.controls.name.touched && form.controls.name.invalid) {
            <p class="field__error">Give the room a name (up to {{ max }} characters).</p>
          }
        </div>
        <fieldset class="field">
          <legend>Who can join</legend>
          <label class="choice">
            <input type="radio" formControlName="visibility" value="public" />
            Public: anyone can find and join it
          </label>
          <label class="choice">
            <input type="radio" formControlName="visibility" value="private" />
            Private: members are added by the owner
          </label>
        </fieldset>
        @if (error(); as message) {
          <p class="alert" role="alert">{{ message }}</p>
        }
        <button type="submit" class="button" [disabled]="busy()">Create room</button>
      </form>
    </section>
  `,
})
export class CreateRoomPage {
  private readonly rooms = inject(RoomsStore);
  private readonly router = inject(Router);

  protected readonly max = LIMITS.roomNameMax;
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly form = new FormGroup({
    name: new FormControl('', {
      nonNullable: true,
      validators: [Validators.required, Validators.maxLength(LIMITS.roomNameMax), Validators.pattern(/\S/)],
    }),
    visibility: new FormControl<RoomVisibility>('public', { nonNullable: true }),
  });

  protected async submit(): Promise<void> {
    if (this.form.invalid) {
      this.form.markAllAsTouched();
      return;
    }
    this.busy.set(true);
    this.error.set(null);
    try {
      const { name, visibility } = this.form.getRawValue();
      const room = await this.rooms.create({ name: name.trim(), visibility });
      await this.router.navigate(['/rooms', room.id]);
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.busy.set(false);
    }
  }
}
