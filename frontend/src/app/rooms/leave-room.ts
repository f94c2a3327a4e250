import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, signal, viewChild } from '@angular/core';
import { Router } from '@angular/router';
import type { MyRoom } from '@chat/contracts';
import { errorMessage } from '../core/api-error';
import { trapFocus } from '../core/focus-trap';
import { RoomsStore } from './rooms-store';

let nextId = 0;

/**
 * "Leave room", asked first in a modal dialog whose Cancel has the focus: Enter, Space or Esc right
 * away keep the room. An owner with other members is told to hand the room over first. A refusal is
 * shown in the dialog in the server's words; the focus goes back to the button when the dialog closes.
 */
@Component({
  selector: 'app-leave-room',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <button #opener type="button" class="button button--small button--ghost" (click)="ask()">Leave room</button>
    <dialog
      #dialog
      class="dialog"
      [attr.aria-labelledby]="id + '-title'"
      [attr.aria-describedby]="id + '-text'"
      tabindex="-1"
      (keydown)="trap($event)"
      (close)="closed()"
    >
      <h2 class="dialog__title" [id]="id + '-title'">Leave {{ name() }}?</h2>
      <p [id]="id + '-text'">
        {{
          mustHandOver()
            ? 'You own this room: make another member the owner first (Members, then “Make owner” beside them).'
            : room().visibility === 'private'
              ? 'It is private: you can come back only if a member adds you again.'
              : 'You can join it again from Browse.'
        }}
      </p>
      @if (error(); as message) {
        <p class="alert" role="alert">{{ message }}</p>
      }
      <div class="dialog__actions">
        <button #cancel type="button" class="button button--secondary" (click)="dialog.close()">Cancel</button>
        @if (!mustHandOver()) {
          <button type="button" class="button button--danger" [disabled]="leaving()" (click)="leave()">
            {{ leaving() ? 'Leaving…' : 'Leave' }}
          </button>
        }
      </div>
    </dialog>
  `,
})
export class LeaveRoom {
  private readonly rooms = inject(RoomsStore);
  private readonly router = inject(Router);

  readonly room = input.required<MyRoom>();

  protected readonly id = `leave-room-${nextId++}`;
  protected readonly name = computed(() => `#${this.room().name}`);
  /** An owner leaves only as the last member (the server says the same). */
  protected readonly mustHandOver = computed(() => this.room().myRole === 'owner' && this.room().memberCount > 1);
  protected readonly leaving = signal(false);
  protected readonly error = signal<string | null>(null);
  private readonly opener = viewChild.required<ElementRef<HTMLButtonElement>>('opener');
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly cancel = viewChild.required<ElementRef<HTMLButtonElement>>('cancel');

  protected ask(): void {
    this.error.set(null);
    const dialog = this.dialog().nativeElement;
    if (!dialog.open) dialog.showModal();
    this.cancel().nativeElement.focus();
  }

  protected async leave(): Promise<void> {
    const roomId = this.room().id;
    this.leaving.set(true);
    this.error.set(null);
    try {
      await this.rooms.leave(roomId);
      this.dialog().nativeElement.close();
      await this.router.navigateByUrl('/');
    } catch (err) {
      this.error.set(errorMessage(err));
      this.cancel().nativeElement.focus();
    } finally {
      this.leaving.set(false);
    }
  }

  protected trap(event: KeyboardEvent): void {
    trapFocus(event, this.dialog().nativeElement);
  }

  /** Closed by Cancel, Esc or a successful leave: focus back where it came from. */
  protected closed(): void {
    if (this.opener().nativeElement.isConnected) this.opener().nativeElement.focus();
  }
}
