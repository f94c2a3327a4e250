import { ChangeDetectionStrategy, Component, ElementRef, afterRenderEffect, input, output, viewChild } from '@angular/core';
import { MessageItem } from './message-item';
import { PendingItem } from './pending-item';
import type { TimelineItem } from './timeline-items';

/** Within this distance of the bottom the list follows new messages. */
const STICK_PX = 48;
/** Within this distance of the top, scrolling asks for older messages. */
const LOAD_OLDER_PX = 160;

interface Snapshot {
  roomId: string | null;
  firstKey: string | null;
  height: number;
  top: number;
}

/**
 * The scrolling timeline. Follows new messages while the user is at the bottom, and keeps
 * the same message in view when older ones are prepended (no jump).
 */
@Component({
  selector: 'app-message-list',
  changeDetection: ChangeDetectionStrategy.OnPush,
  imports: [MessageItem, PendingItem],
  template: `
    <div #viewport class="message-list" role="log" aria-label="Messages" (scroll)="onScroll()">
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
        @if (item.kind === 'message') {
          <app-message-item [message]="item.message" [mine]="item.mine" [showHeader]="item.showHeader" />
        } @else {
          <app-pending-item [entry]="item.entry" [showHeader]="item.showHeader" />
        }
      } @empty {
        @if (ready()) {
          <p class="muted message-list__empty">No messages yet. Say hello!</p>
        } @else {
          <p class="muted message-list__empty">Loading messages…</p>
        }
      }
    </div>
  `,
})
export class MessageList {
  /** The list is reused across rooms; a new room starts at its bottom. */
  readonly roomId = input.required<string>();
  readonly items = input.required<readonly TimelineItem[]>();
  readonly ready = input(false);
  readonly hasOlder = input(false);
  readonly loadingOlder = input(false);
  readonly older = output<void>();

  private readonly viewport = viewChild.required<ElementRef<HTMLElement>>('viewport');
  private atBottom = true;
  private last: Snapshot = { roomId: null, firstKey: null, height: 0, top: 0 };

  constructor() {
    afterRenderEffect({
      write: () => {
        const roomId = this.roomId();
        const items = this.items();
        const el = this.viewport().nativeElement;
        const firstKey = items[0]?.key ?? null;
        if (roomId !== this.last.roomId) {
          this.atBottom = true;
          this.last = { roomId, firstKey: null, height: 0, top: 0 };
        }
        const prepended = this.last.firstKey !== null && firstKey !== this.last.firstKey && items.some((i) => i.key === this.last.firstKey);
        if (prepended) {
          // Older messages went in above: shift by their height so the view stays put.
          el.scrollTop = this.last.top + (el.scrollHeight - this.last.height);
        } else if (this.atBottom) {
          el.scrollTop = el.scrollHeight;
        }
        this.last = { roomId, firstKey, height: el.scrollHeight, top: el.scrollTop };
        // A short history that does not fill the view cannot be scrolled up: fetch more now.
        if (this.ready() && this.hasOlder() && !this.loadingOlder() && el.scrollHeight <= el.clientHeight) {
          this.older.emit();
        }
      },
    });
  }

  protected onScroll(): void {
    const el = this.viewport().nativeElement;
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= STICK_PX;
    this.last = { ...this.last, height: el.scrollHeight, top: el.scrollTop };
    if (el.scrollTop <= LOAD_OLDER_PX && this.hasOlder() && !this.loadingOlder()) this.older.emit();
  }
}
