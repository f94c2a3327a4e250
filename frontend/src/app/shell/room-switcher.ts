import { DOCUMENT } from '@angular/common';
import { ChangeDetectionStrategy, Component, ElementRef, computed, inject, input, output, signal, viewChild } from '@angular/core';
import type { MyRoom } from '@chat/contracts';
import { trapFocus } from '../core/focus-trap';
import { Avatar } from '../rooms/avatar';
import { LockIcon } from '../rooms/lock-icon';
import { roomTitle } from '../rooms/my-rooms';
import { filterRooms } from './room-order';

/**
 * Ctrl/Cmd+K: a modal dialog with a filter box over my rooms and DMs. The box keeps the focus
 * (a combobox whose active option is `aria-activedescendant`): typing filters, ↑/↓ move, Enter
 * opens, Esc closes and puts the focus back where it was.
 */
@Component({
  selector: 'app-room-switcher',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './room-switcher.css',
  imports: [Avatar, LockIcon],
  template: `
    <dialog
      #dialog
      class="dialog switcher"
      aria-labelledby="switcher-title"
      tabindex="-1"
      (keydown)="onKeydown($event)"
      (click)="onClick($event)"
      (close)="closed()"
    >
      <h2 id="switcher-title" class="dialog__title">Go to a room</h2>
      <input
        #filter
        type="text"
        class="switcher__filter"
        role="combobox"
        aria-label="Find a room or person"
        aria-autocomplete="list"
        aria-expanded="true"
        aria-controls="switcher-list"
        autocomplete="off"
        spellcheck="false"
        placeholder="Room or person"
        [attr.aria-activedescendant]="activeId()"
        [value]="query()"
        (input)="onInput($event)"
      />
      <ul id="switcher-list" class="switcher__list" role="listbox" aria-label="Rooms and direct messages">
        @for (room of matches(); track room.id; let i = $index) {
          <li
            role="option"
            class="switcher__option"
            [id]="optionId(room)"
            [attr.aria-selected]="i === active()"
            [attr.data-index]="i"
            (pointermove)="active.set(i)"
          >
            @if (room.kind === 'dm') {
              <app-avatar [userId]="room.peer?.id ?? room.id" [name]="title(room)" />
            } @else {
              <span class="switcher__icon" aria-hidden="true">
                @if (room.visibility === 'private') {
                  <app-lock-icon />
                } @else {
                  #
                }
              </span>
            }
            <span class="switcher__name">{{ title(room) }}</span>
            @if (room.visibility === 'private' && room.kind === 'channel') {
              <span class="visually-hidden"> (private)</span>
            }
            @if (room.unread > 0) {
              <span class="badge"
                ><span class="visually-hidden">, </span>{{ room.unread > 99 ? '99+' : room.unread
                }}<span class="visually-hidden"> unread</span></span
              >
            }
          </li>
        }
      </ul>
      @if (matches().length === 0) {
        <p class="muted switcher__empty">No room or person matches “{{ query() }}”.</p>
      }
      <p class="muted switcher__hint" aria-hidden="true">↑ ↓ to move · Enter to open · Esc to close</p>
    </dialog>
  `,
})
export class RoomSwitcher {
  private readonly document = inject(DOCUMENT);

  /** My rooms and DMs, in the sidebar's order. */
  readonly rooms = input.required<readonly MyRoom[]>();
  readonly picked = output<MyRoom>();

  protected readonly query = signal('');
  protected readonly active = signal(0);
  protected readonly matches = computed(() => filterRooms(this.rooms(), this.query()));
  protected readonly activeId = computed(() => {
    const room = this.matches()[this.active()];
    return room ? this.optionId(room) : null;
  });
  private readonly dialog = viewChild.required<ElementRef<HTMLDialogElement>>('dialog');
  private readonly filter = viewChild.required<ElementRef<HTMLInputElement>>('filter');
  /** Where the focus was before opening; it goes back there unless a room was opened. */
  private returnTo: HTMLElement | null = null;

  isOpen(): boolean {
    return this.dialog().nativeElement.open;
  }

  open(): void {
    const dialog = this.dialog().nativeElement;
    if (dialog.open) return;
    const focused = this.document.activeElement;
    this.returnTo = focused instanceof HTMLElement ? focused : null;
    this.query.set('');
    this.active.set(0);
    dialog.showModal();
    this.filter().nativeElement.value = '';
    this.filter().nativeElement.focus();
  }

  close(): void {
    this.dialog().nativeElement.close();
  }

  protected title(room: MyRoom): string {
    return roomTitle(room);
  }

  protected optionId(room: MyRoom): string {
    return `switcher-${room.id}`;
  }

  protected onInput(event: Event): void {
    if (!(event.target instanceof HTMLInputElement)) return;
    this.query.set(event.target.value);
    this.active.set(0);
  }

  protected onKeydown(event: KeyboardEvent): void {
    const count = this.matches().length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (count === 0) return;
      this.active.update((i) => (i + (event.key === 'ArrowDown' ? 1 : -1) + count) % count);
      const room = this.matches()[this.active()];
      if (room) this.document.getElementById(this.optionId(room))?.scrollIntoView({ block: 'nearest' });
    } else if (event.key === 'Enter' && !event.isComposing) {
      event.preventDefault();
      const room = this.matches()[this.active()];
      if (room) this.choose(room);
    } else {
      trapFocus(event, this.dialog().nativeElement);
    }
  }

  protected choose(room: MyRoom): void {
    // The room page takes the focus (its composer); going back to the old spot would steal it.
    this.returnTo = null;
    this.close();
    this.picked.emit(room);
  }

  /**
   * One listener for the dialog: a click on an option opens it (the keyboard gets there through
   * the filter box, so options take no focus); one on the backdrop, outside the box, closes it.
   */
  protected onClick(event: MouseEvent): void {
    const dialog = this.dialog().nativeElement;
    const option = event.target instanceof Element ? event.target.closest<HTMLElement>('[role="option"]') : null;
    const room = option ? this.matches()[Number(option.dataset['index'])] : undefined;
    if (room) {
      this.choose(room);
      return;
    }
    const box = dialog.getBoundingClientRect();
    const outside = event.clientX < box.left || event.clientX > box.right || event.clientY < box.top || event.clientY > box.bottom;
    if (event.target === dialog && outside) this.close();
  }

  protected closed(): void {
    const target = this.returnTo;
    this.returnTo = null;
    if (target?.isConnected) target.focus();
  }
}
