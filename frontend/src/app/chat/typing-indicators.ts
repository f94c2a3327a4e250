import { DestroyRef, Injectable, inject, signal } from '@angular/core';
import { LIMITS, type TypingEvent } from '@chat/contracts';
import { SessionStore } from '../auth/session-store';
import { SocketClient } from '../core/socket-client';
import { TypingNotifier, TypingTracker, typingLabel } from './typing-tracker';

/**
 * Typing, both ways: who else is typing in a room (expiring by itself, cleared when their
 * message arrives), and my own typing signal while I edit a draft. Provided by the shell.
 */
@Injectable()
export class TypingIndicators {
  private readonly socket = inject(SocketClient);
  private readonly session = inject(SessionStore);
  private readonly tracker = new TypingTracker(LIMITS.typingTtlMs);
  private readonly notifier = new TypingNotifier((roomId, typing) => this.socket.typing({ roomId, typing }), LIMITS.typingTtlMs / 2, 3000);
  /** Only the typing line reads this, so one counter for all rooms is enough. */
  private readonly version = signal(0);
  private ticker: ReturnType<typeof setInterval> | null = null;

  constructor() {
    const offs = [
      this.socket.on('typing', (e) => this.onTyping(e)),
      this.socket.on('message:new', (e) => {
        if (this.tracker.clear(e.message.roomId, e.message.sender.id)) this.changed();
      }),
    ];
    inject(DestroyRef).onDestroy(() => {
      offs.forEach((off) => off());
      this.notifier.stop();
      if (this.ticker !== null) clearInterval(this.ticker);
    });
  }

  /** "Alice Liddell is typing…", or ''. */
  text(roomId: string): string {
    this.version();
    return typingLabel(this.tracker.names(roomId));
  }

  /** My draft of the room changed. */
  input(roomId: string, hasText: boolean): void {
    this.notifier.input(roomId, hasText);
  }

  /** I sent, or left the room. */
  stop(): void {
    this.notifier.stop();
  }

  private onTyping(event: TypingEvent): void {
    if (event.user.id === this.session.user()?.id) return;
    if (this.tracker.apply(event, Date.now())) this.changed();
    if (this.tracker.active && this.ticker === null) {
      this.ticker = setInterval(() => {
        if (this.tracker.expire(Date.now())) this.changed();
        if (!this.tracker.active && this.ticker !== null) {
          clearInterval(this.ticker);
          this.ticker = null;
        }
      }, 1000);
    }
  }

  private changed(): void {
    this.version.update((v) => v + 1);
  }
}
