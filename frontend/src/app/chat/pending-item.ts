import { ChangeDetectionStrategy, Component, computed, inject, input } from '@angular/core';
import { SessionStore } from '../auth/session-store';
import { Avatar } from '../rooms/avatar';
import { ChatStore } from './chat-store';
import { MarkdownBody } from './markdown/markdown-body';
import { parseMarkdown } from './markdown/markdown';
import type { OutboxEntry } from './outbox';

/** One of my messages the server has not confirmed yet. */
@Component({
  selector: 'app-pending-item',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './message.css',
  imports: [Avatar, MarkdownBody],
  template: `
    @let e = entry();
    <article
      class="msg msg--mine msg--pending"
      [class.msg--failed]="e.status === 'failed'"
      [class.msg--grouped]="!showHeader()"
      [attr.aria-label]="'Message from ' + authorName() + ', not sent yet'"
    >
      @if (showHeader()) {
        <app-avatar class="msg__avatar" [userId]="userId()" [name]="authorName()" />
        <header class="msg__header">
          <span class="msg__author">{{ authorName() }}</span>
        </header>
      }
      <app-markdown-body class="msg__body" [blocks]="blocks()" />
      @if (e.status === 'sending') {
        <p class="msg__status">{{ chat.connection() === 'connected' ? 'Sending…' : 'Waiting for the connection to send…' }}</p>
      } @else {
        <p class="msg__status msg__status--error" role="alert">
          Not sent: {{ e.error }}
          <button type="button" class="button button--small" (click)="chat.retry(e.clientMsgId)">Retry</button>
          <button type="button" class="button button--small button--ghost" (click)="chat.discard(e.clientMsgId)">Discard</button>
        </p>
      }
    </article>
  `,
})
export class PendingItem {
  protected readonly chat = inject(ChatStore);
  private readonly session = inject(SessionStore);
  readonly entry = input.required<OutboxEntry>();
  readonly showHeader = input(true);
  /** Rendered as it will be once sent, so nothing moves when the server confirms it. */
  protected readonly blocks = computed(() => parseMarkdown(this.entry().body));
  protected readonly userId = computed(() => this.session.user()?.id ?? '');
  protected readonly authorName = computed(() => {
    const user = this.session.user();
    return user?.displayName || user?.username || 'You';
  });
}
