import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
  viewChildren,
} from '@angular/core';
import { DatePipe } from '@angular/common';
import { MessageItem } from './message-item';
import { PendingItem } from './pending-item';
import { ReadMarks } from './read-marks';
import type { TimelineItem } from './timeline-items';
import { flashRow } from './flash-row';

/** Within this distance of the bottom the list follows new messages. */
const STICK_PX = 48;
/** Within this distance of the top, scrolling asks for older messages. */
const LOAD_OLDER_PX = 160;

/**
 * The seq of the newest message in view: its bottom edge is on screen, or it fills the view.
 * Rows are in layout order, so a binary search finds the last one starting above the bottom edge.
 */
function newestSeqInView(el: HTMLElement): number | null {
  const rows = el.querySelectorAll<HTMLElement>('[data-seq]');
  const view = el.getBoundingClientRect();
  let lo = 0;
  let hi = rows.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const row = rows[mid];
    if (row && row.getBoundingClientRect().top < view.bottom) {
      last = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  for (let i = last; i >= 0; i--) {
    const row = rows[i];
    const box = row?.getBoundingClientRect();
    if (row && box && (box.bottom <= view.bottom + 1 || box.top <= view.top)) return Number(row.dataset['seq']);
  }
  return null;
}

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
 * anchoring, which Safari lacks). It tells the read marks which messages have been in view, and
 * while some unread ones have not, says how many, with a way to mark them all read.
 */
@Component({
  selector: 'app-message-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './message-list.css',
  imports: [DatePipe, MessageItem, PendingItem],
  template: `
    @if (ready() && unread() > 0) {
      <div #unreadBar class="unread-bar">
        <span class="unread-bar__text">{{ unread() }} new {{ unread() === 1 ? 'message' : 'messages' }}</span>
        <button type="button" class="button button--small button--ghost" (click)="markAllRead()">Mark as read</button>
      </div>
    }
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
              [attr.data-seq]="item.message.seq"
              [message]="item.message"
              [mine]="item.mine"
              [showHeader]="item.showHeader"
              [canModerate]="canModerate()"
              [canReact]="canReact()"
              (focusLost)="focusLost.emit()"
            />
          }
          @case ('notice') {
            <p class="room-notice" [attr.data-key]="item.key" [attr.data-seq]="item.message.seq">
              <span class="room-notice__text"
                ><span class="room-notice__actor">{{ item.message.sender.displayName || item.message.sender.username }}</span>
                {{ item.message.body }}</span
              >
              <time class="room-notice__time" [attr.datetime]="item.message.createdAt">{{
                item.message.createdAt | date: 'shortTime'
              }}</time>
            </p>
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
  /** Whether the room takes reactions (it is not archived). */
  readonly canReact = input(true);
  /** A row to bring into view and flash once it is rendered (a jump to a message from search), by item key. */
  readonly reveal = input<string | null>(null);
  readonly older = output<void>();
  /** A message took the focused control with it (it was deleted). */
  readonly focusLost = output<void>();

  private readonly readMarks = inject(ReadMarks);
  private readonly viewport = viewChild.required<ElementRef<HTMLElement>>('viewport');
  private readonly unreadBar = viewChild<ElementRef<HTMLElement>>('unreadBar');
  private readonly messageItems = viewChildren(MessageItem);
  protected readonly unread = computed(() => this.readMarks.unread(this.roomId()));
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
  /** The `reveal` key already shown: the reader may scroll away from it. */
  private revealed: string | null = null;

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
          this.revealed = null;
        }
        if (!this.positioned && ready && items.length > 0) {
          this.positioned = true;
          this.openAtDivider(el);
        } else if (untracked(() => this.atBottom())) {
          el.scrollTop = el.scrollHeight;
        } else {
          this.restoreAnchor(el);
        }
        this.revealOnce(el);
        this.captureAnchor(el);
        this.reportSeen(el);
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
    this.reportSeen(el);
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

  /**
   * ↑ in an empty composer: edits my newest message that can still be edited, and hands the
   * focus back with `returnFocus` when that is done. Returns whether there was one.
   */
  editLast(returnFocus: () => void): boolean {
    const items = this.items();
    for (let i = items.length - 1; i >= 0; i--) {
      const item = items[i];
      if (item?.kind !== 'message' || !item.mine || item.message.deletedAt !== null) continue;
      const row = this.messageItems().find((m) => m.message().id === item.message.id);
      return row ? row.edit(returnFocus) : false;
    }
    return false;
  }

  protected jumpToLatest(): void {
    this.showLatest();
    this.focus();
  }

  protected markAllRead(): void {
    this.readMarks.markAllRead(this.roomId());
  }

  /** What has been in view counts as read; nothing before the room is positioned. */
  private reportSeen(el: HTMLElement): void {
    if (!this.positioned) return;
    const seq = newestSeqInView(el);
    if (seq !== null) untracked(() => this.readMarks.seen(this.roomId(), seq));
  }

  /** First view of a room: the "new messages" divider near the top (below the unread bar) if there is one, else the bottom. */
  private openAtDivider(el: HTMLElement): void {
    const divider = el.querySelector<HTMLElement>('[data-unread-divider]');
    const bar = this.unreadBar()?.nativeElement.offsetHeight ?? 0;
    const target = divider
      ? divider.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop - 8 - bar
      : el.scrollHeight;
    el.scrollTop = Math.max(0, target);
    this.setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX);
  }

  /**
   * Centres the `reveal` row once it is rendered (after the room's first positioning, which it
   * overrides) and flashes it; from then on it is kept in place like any row the reader looks at.
   */
  private revealOnce(el: HTMLElement): void {
    const key = this.reveal();
    if (key === null) this.revealed = null;
    if (key === null || key === this.revealed || !this.positioned) return;
    const row = el.querySelector<HTMLElement>(`[data-key="${key}"]`);
    if (!row) return;
    this.revealed = key;
    const top = row.getBoundingClientRect().top - el.getBoundingClientRect().top + el.scrollTop;
    el.scrollTop = Math.max(0, top - Math.max(0, (el.clientHeight - row.offsetHeight) / 2));
    this.setAtBottom(el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX);
    flashRow(row);
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
