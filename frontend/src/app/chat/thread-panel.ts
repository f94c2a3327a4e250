import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import { SessionStore } from '../auth/session-store';
import { ChatStore } from './chat-store';
import { Composer } from './composer';
import { flashRow } from './flash-row';
import { MessageItem } from './message-item';
import type { MentionCandidate } from './mention-suggestions';

/**
 * A thread beside its room (the whole screen on a phone): the root, its replies oldest first, kept live by
 * the room's events, and a box to reply. Esc or "Close" closes it.
 */
@Component({
  selector: 'app-thread-panel',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './thread-panel.css',
  imports: [MessageItem, Composer],
  host: { '(keydown.escape)': 'closed.emit()' },
  template: `
    <aside class="thread" aria-labelledby="thread-title">
      <header class="thread__header">
        <h2 id="thread-title" class="thread__title">Thread</h2>
        <button type="button" class="button button--small button--ghost" (click)="closed.emit()">Close</button>
      </header>
      <div #messages class="thread__messages" role="log" aria-label="Thread messages">
        @if (root(); as r) {
          <app-message-item [message]="r" [mine]="r.sender.id === meId()" [canReact]="canPost()" [inThread]="true" />
          <p class="thread__count muted">{{ r.replyCount }} {{ r.replyCount === 1 ? 'reply' : 'replies' }}</p>
        } @else {
          <p class="muted thread__note">This message is not loaded.</p>
        }
        @for (reply of replies(); track reply.id) {
          <app-message-item
            [attr.data-seq]="reply.seq"
            [message]="reply"
            [mine]="reply.sender.id === meId()"
            [canReact]="canPost()"
            [inThread]="true"
          />
        }
        @if (error(); as message) {
          <p class="alert" role="alert">{{ message }}</p>
        }
      </div>
      @if (canPost()) {
        <app-composer
          #composer
          [text]="draft()"
          (textChange)="draft.set($event)"
          [mentionables]="mentionables()"
          placeholder="Reply in thread"
          (send)="send($event)"
        />
      }
    </aside>
  `,
})
export class ThreadPanel {
  private readonly chat = inject(ChatStore);
  private readonly session = inject(SessionStore);

  readonly roomId = input.required<string>();
  readonly rootId = input.required<string>();
  /** A reply's seq to scroll to and highlight once it is loaded (a search hit in this thread). */
  readonly reveal = input<number | null>(null);
  readonly canPost = input(true);
  readonly mentionables = input<readonly MentionCandidate[]>([]);
  readonly closed = output<void>();

  protected readonly meId = computed(() => this.session.user()?.id ?? null);
  protected readonly root = computed(() => this.chat.messageById(this.roomId(), this.rootId()));
  protected readonly replies = computed(() => this.chat.threadReplies(this.roomId(), this.rootId()));
  protected readonly draft = signal('');
  protected readonly error = signal<string | null>(null);
  private readonly composer = viewChild<Composer>('composer');
  private readonly messagesEl = viewChild<ElementRef<HTMLElement>>('messages');
  private readonly injector = inject(Injector);
  /** The `reveal` already shown in this thread: the reader may scroll away from it. */
  private revealed: string | null = null;

  constructor() {
    effect(() => {
      const roomId = this.roomId();
      const rootId = this.rootId();
      untracked(() => {
        this.error.set(null);
        this.draft.set('');
        void this.chat.loadThread(roomId, rootId).then((error) => this.error.set(error));
        afterNextRender({ write: () => this.composer()?.focus() }, { injector: this.injector });
      });
    });
    effect(() => {
      const seq = this.reveal();
      const shown = seq !== null && this.replies().some((reply) => reply.seq === seq);
      const key = `${this.rootId()}:${seq}`;
      if (!shown || key === this.revealed) return;
      this.revealed = key;
      afterNextRender({ write: () => this.revealReply(seq) }, { injector: this.injector });
    });
  }

  /** Brings the reply into view and flashes it, like a search hit in the room's timeline. */
  private revealReply(seq: number): void {
    const row = this.messagesEl()?.nativeElement.querySelector<HTMLElement>(`[data-seq="${seq}"]`);
    if (!row) return;
    row.scrollIntoView({ block: 'center' });
    flashRow(row);
  }

  protected async send(body: string): Promise<void> {
    this.error.set(null);
    const error = await this.chat.reply(this.roomId(), this.rootId(), body);
    if (error) {
      // Keep what was written: the box was emptied on send.
      this.draft.set(body);
      this.error.set(error);
    }
  }
}
