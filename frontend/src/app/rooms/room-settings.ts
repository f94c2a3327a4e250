import { ChangeDetectionStrategy, Component, ElementRef, inject, input, signal, viewChild } from '@angular/core';
import { LIMITS, type MyRoom, type UpdateRoomRequest } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { trapFocus } from '../core/focus-trap';
import { RoomsApi } from './rooms-api';
import { RoomsStore } from './rooms-store';

let nextId = 0;

/**
 * "Settings" of a channel, for its owner and admins: its name and topic in a modal dialog. Each change
 * becomes a notice in the room's timeline for everyone; a refusal shows in the server's words.
 */
@Component({
  selector: 'app-room-settings',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button #opener type="button" class="button button--small button--ghost" (click)="open()">Settings</button>
    <dialog #dialog class="dialog" [attr.aria-labelledby]="id + '-title'" tabindex="-1" (keydown)="trap($event)" (close)="closed()">
      <form class="form" (submit)="save($event)">
        <h2 class="dialog__title" [id]="id + '-title'">Room settings</h2>
        <div class="field">
          <label [for]="id + '-name'">Name</label>
          <input
            #nameBox
            [id]="id + '-name'"
            name="name"
            required
            autocomplete="off"
            [attr.maxlength]="nameMax"
            [value]="name()"
            (input)="name.set(value($event))"
          />
        </div>
        <div class="field">
          <label [for]="id + '-topic'">Topic</label>
          <input
            [id]="id + '-topic'"
            name="topic"
            autocomplete="off"
            [attr.maxlength]="topicMax"
            placeholder="What this room is about"
            [value]="topic()"
            (input)="topic.set(value($event))"
          />
        </div>
        @if (error(); as message) {
          <p class="alert" role="alert">{{ message }}</p>
        }
        <div class="dialog__actions">
          <button type="button" class="button button--secondary" (click)="dialog.close()">Cancel</button>
          <button type="submit" class="button" [disabled]="saving()">{{ saving() ? 'Saving…' : 'Save' }}</button>
        </div>
      </form>
    </dialog>
  `,
})
export class RoomSettings {
  private readonly api = inject(RoomsApi);
  private readonly rooms = inject(RoomsStore);

  readonly room = input.required<MyRoom>();

  protected readonly id = `room-settings-${nextId++}`;
  protected readonly nameMax = LIMITS.roomNameMax;
  protected readonly topicMax = LIMITS.roomTopicMax;
  protected readonly name = signal('');
  protected readonly topic = signal('');
  protected readonly saving = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly opener = viewChild.required<ElementRef<HTMLButtonElement>>('opener');
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly nameBox = viewChild.required<ElementRef<HTMLInputElement>>('nameBox');

  protected open(): void {
    const room = this.room();
    this.name.set(room.name);
    this.topic.set(room.topic ?? '');
    this.error.set(null);
    const dialog = this.dialog().nativeElement;
    if (!dialog.open) dialog.showModal();
    this.nameBox().nativeElement.focus();
  }

  protected value(event: Event): string {
    return (event.target as HTMLInputElement).value;
  }

  /** Sends only what changed; nothing changed closes the dialog. */
  protected async save(event: Event): Promise<void> {
    event.preventDefault();
    const room = this.room();
    if (!this.name().trim()) {
      this.error.set('A room needs a name.');
      this.nameBox().nativeElement.focus();
      return;
    }
    const change: UpdateRoomRequest = {};
    if (this.name().trim() !== room.name) change.name = this.name().trim();
    if (this.topic().trim() !== (room.topic ?? '')) change.topic = this.topic().trim();
    if (change.name === undefined && change.topic === undefined) {
      this.dialog().nativeElement.close();
      return;
    }
    this.saving.set(true);
    this.error.set(null);
    try {
      const updated = await this.api.update(room.id, change);
      this.rooms.patchRoom(room.id, { name: updated.name, topic: updated.topic ?? '' });
      this.dialog().nativeElement.close();
    } catch (err) {
      this.error.set(errorMessage(err));
    } finally {
      this.saving.set(false);
    }
  }

  protected trap(event: KeyboardEvent): void {
    trapFocus(event, this.dialog().nativeElement);
  }

  protected closed(): void {
    if (this.opener().nativeElement.isConnected) this.opener().nativeElement.focus();
  }
}
