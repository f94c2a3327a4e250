import { DatePipe } from '@angular/common';
import { ChangeDetectionStrategy, Component, computed, inject, input, signal } from '@angular/core';
import { LIMITS, type Message } from '@chat/contracts';
import { ChatStore } from './chat-store';
import { linkify } from './linkify';
import { MessageDeletion } from './message-deletion';

type Mode = 'view' | 'editing' | 'confirm-delete';

/** A server message; my own can be edited and deleted in place. Bodies are text, never HTML. */
@Component({
  selector: 'app-message-item',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './message.css',
  imports: [DatePipe],
  templateUrl: './message-item.html',
})
export class MessageItem {
  private readonly chat = inject(ChatStore);
  private readonly deletion = inject(MessageDeletion);

  readonly message = input.required<Message>();
  readonly mine = input(false);
  readonly showHeader = input(true);
  /** Room owner or admin: may delete other people's messages too. */
  readonly canModerate = input(false);

  protected readonly mode = signal<Mode>('view');
  protected readonly draft = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly deleted = computed(() => this.message().deletedAt !== null || this.message().body === null);
  protected readonly canEdit = computed(() => this.mine() && !this.deleted());
  protected readonly canDelete = computed(() => (this.mine() || this.canModerate()) && !this.deleted());
  protected readonly editId = computed(() => `edit-${this.message().id}`);
  protected readonly segments = computed(() => linkify(this.message().body ?? ''));
  protected readonly maxLength = LIMITS.messageBodyMax;
  /** Names the article for screen readers, also when a grouped message shows no header. */
  protected readonly label = computed(() => {
    const sender = this.message().sender;
    return `Message from ${sender.displayName || sender.username}`;
  });

  protected startEdit(): void {
    this.draft.set(this.message().body ?? '');
    this.error.set(null);
    this.mode.set('editing');
  }

  protected onDraftInput(event: Event): void {
    if (event.target instanceof HTMLTextAreaElement) this.draft.set(event.target.value);
  }

  protected onEditKeydown(event: KeyboardEvent): void {
    if (event.key === 'Escape') {
      event.preventDefault();
      this.cancel();
    } else if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      void this.save();
    }
  }

  protected cancel(): void {
    this.mode.set('view');
    this.error.set(null);
  }

  protected async save(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.busy()) return;
    if (this.draft().trim() === (this.message().body ?? '').trim()) {
      this.cancel();
      return;
    }
    await this.run(() => this.chat.edit(this.message(), this.draft()));
  }

  protected async confirmDelete(): Promise<void> {
    await this.run(() => this.deletion.remove(this.message()));
  }

  private async run(action: () => Promise<string | null>): Promise<void> {
    this.busy.set(true);
    this.error.set(null);
    const error = await action();
    this.busy.set(false);
    if (error) {
      this.error.set(error);
    } else {
      this.mode.set('view');
    }
  }
}
