import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { MessageItem } from './message-item';
import { PendingItem } from './pending-item';
import type { TimelineItem } from './timeline-items';

/** Within this distance of the bottom the list follows new messages. */
const STICK_PX = 48;
/** Within this distance of the top, scrolling asks for older messages. */
const LOAD_OLDER_PX = 160;

/** The first row in view and where its bottom edge was, relative to the top of the viewport. */
interface Anchor {
  key: string;
  offset: number;
}

/**
 * The scrolling timeline. Opens at the "new messages" divider (or the bottom), follows new
 * messages while the user is at the bottom, offers "Jump to latest" when not, and otherwise
 * keeps the row the reader is looking at in place whatever changes above it (older pages going
 * in, a header folding into a group): no jumps, in every browser (no reliance on CSS scroll
 * anchoring, which Safari lacks).
 */
@Component({
  selector: 'app-message-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './message-list.css',
  imports: [MessageItem, PendingItem],
  template: `
    <div #viewport class="message-list" role="log" aria-label="Messages" tabindex="0" (scroll)="onScroll()">
      <div class="message-list__start">
        @if (hasOlder()) {
          <button type="button" class="button button--small button--ghost" [disabled]="loadingOlder()" (click)="older.emit()">
            {{ loadingOlder() ? 'Loading…' : 'Load older messages' }}
          </button>
        } @else if (ready()) {
          <p class="muted">This is the beginning of the conversation.</p>
        }
      </div>
      @for (item of items(); track item.key) {
        @switch (item.kind) {
          @case ('message') {
            <app-message-item
              [attr.data-key]="item.key"
              [message]="item.message"
              [mine]="item.mine"
              [showHeader]="item.showHeader"
              [canModerate]="canModerate()"
              (focusLost)="focusLost.emit()"
            />
          }
          @case ('pending') {
            <app-pending-item [attr.data-key]="item.key" [entry]="item.entry" [showHeader]="item.showHeader" />
          }
          @case ('day') {
            <p class="divider" role="separator" [attr.aria-label]="item.label">
              <span aria-hidden="true">{{ item.label }}</span>
            </p>
          }
          @case ('unread') {
            <p class="divider divider--unread" role="separator" aria-label="New messages" data-unread-divider>
              <span aria-hidden="true">New messages</span>
            </p>
          }
        }
      } @empty {
        @if (ready()) {
          <p class="muted message-list__empty">No messages yet. Say hello!</p>
        } @else {
          <p class="muted message-list__empty">Loading messages…</p>
        }
      }
    </div>
    @if (!atBottom()) {
      <button type="button" class="button jump-latest" (click)="jumpToLatest()">
        <span aria-hidden="true">↓</span> Jump to latest
        @if (unseen() > 0) {
          <span class="jump-latest__count">({{ unseen() }} new)</span>
        }
      </button>
    }
  `,
})
export class MessageList {
  /** The list is reused across rooms; a new room starts at its divider or bottom. */
  readonly roomId = input.required<string>();
  readonly items = input.required<readonly TimelineItem[]>();
  readonly ready = input(false);
  readonly hasOlder = input(false);
  readonly loadingOlder = input(false);
  /** Whether I may delete other people's messages (room owner, admin). */
  readonly canModerate = input(false);
  readonly older = output<void>();
  /** A message took the focused control with it (it was deleted). */
  readonly focusLost = output<void>();

  private readonly viewport = viewChild.required<ElementRef<HTMLElement>>('viewport');
  protected readonly atBottom = signal(true);
  /** Last item key seen when the reader left the bottom: what came after it is unseen. */
  private readonly leftAtKey = signal<string | null>(null);
  protected readonly unseen = computed(() => {
    const key = this.leftAtKey();
    const items = this.items();
    if (this.atBottom() || key === null) return 0;
    const index = items.findIndex((i) => i.key === key);
    return index < 0 ? 0 : items.slice(index + 1).filter((i) => i.kind === 'message' || i.kind === 'pending').length;
  });
  private positioned = false;
  private shownRoom: string | null = null;
  private anchor: Anchor | null = null;

  constructor() {
    afterRenderEffect({
      write: () => {
        const roomId = this.roomId();
        const items = this.items();
        const ready = this.ready();
        const el = this.viewport().nativeElement;
        if (roomId !== this.shownRoom) {
          this.shownRoom = roomId;
          this.setAtBottom(true);
          this.positioned = false;
          this.anchor = null;
        }
        if (!this.positioned && ready && items.length > 0) {
          this.positioned = true;
          this.openAtDivider(el);
        } else if (untracked(() => this.atBottom())) {
          el.scrollTop = el.scrollHeight;
        } else {
          this.restoreAnchor(el);
        }
        this.captureAnchor(el);
        // A short history that does not fill the view cannot be scrolled up: fetch more now.
        if (ready && this.hasOlder() && !this.loadingOlder() && el.scrollHeight <= el.clientHeight) {
          this.older.emit();
        }
      },
    });
  }

  protected onScroll(): void {
    const el = this.viewport().nativeElement;
    this.setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX);
    this.captureAnchor(el);
    if (el.scrollTop <= LOAD_OLDER_PX && this.hasOlder() && !this.loadingOlder()) this.older.emit();
  }

  /** Scrolls to the newest message and follows from there, e.g. to show the one I just sent. */
  showLatest(): void {
    const el = this.viewport().nativeElement;
    el.scrollTop = el.scrollHeight;
    this.setAtBottom(true);
  }

  /** Focuses the list itself (scrollable by keyboard), where it is. */
  focus(): void {
    this.viewport().nativeElement.focus({ preventScroll: true });
  }

  protected jumpToLatest(): void {
    this.showLatest();
    this.focus();
  }

  /** First view of a room: the "new messages" divider near the top if there is one, else the bottom. */
  private openAtDivider(el: HTMLElement): void {
    const divider = el.querySelector<HTMLElement>('[data-unread-divider]');
    const target = divider ? divider.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop - 8 : el.scrollHeight;
    el.scrollTop = Math.max(0, target);
    this.setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX);
  }

  /** Remembers the first row in view (binary search: rows are in layout order). */
  private captureAnchor(el: HTMLElement): void {
    const rows = el.querySelectorAll<HTMLElement>('[data-key]');
    const top = el.getBoundingClientRect().top;
    let lo = 0;
    let hi = rows.length - 1;
    let found: HTMLElement | null = null;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const row = rows[mid];
      if (row && row.getBoundingClientRect().bottom > top) {
        found = row;
        hi = mid - 1;
      } else {
        lo = mid + 1;
      }
    }
    const key = found?.dataset['key'];
    this.anchor = found && key ? { key, offset: found.getBoundingClientRect().bottom - top } : null;
  }

  /** Scrolls so the remembered row is where it was. */
  private restoreAnchor(el: HTMLElement): void {
    const anchor = this.anchor;
    const row = anchor ? el.querySelector<HTMLElement>(`[data-key="${anchor.key}"]`) : null;
    if (!anchor || !row) return;
    const delta = row.getBoundingClientRect().bottom - el.getBoundingClientRect().top - anchor.offset;
    if (delta !== 0) el.scrollTop += delta;
  }

  private setAtBottom(atBottom: boolean): void {
    untracked(() => {
      if (atBottom === this.atBottom()) return;
      this.atBottom.set(atBottom);
      const items = this.items();
      this.leftAtKey.set(atBottom ? null : (items[items.length - 1]?.key ?? null));
    });
  }
}
