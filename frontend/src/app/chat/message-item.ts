import { DatePipe } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  Injector,
  afterNextRender,
  computed,
  inject,
  input,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { LIMITS, bodyProblem, normalizeBody, type Message } from '@chat/contracts';
import { Router, RouterLink } from '@angular/router';
import { SessionStore } from '../auth/session-store';
import { Avatar } from '../rooms/avatar';
import { ChatStore } from './chat-store';
import { MarkdownBody } from './markdown/markdown-body';
import { parseMarkdown } from './markdown/markdown';
import { MessageActions } from './message-actions';
import { MessageDeletion } from './message-deletion';
import { ReactionBar } from './reaction-bar';
import { EmojiPicker } from './emoji-picker';

type Mode = 'view' | 'editing' | 'confirm-delete';

/** "just now", "5 min ago", "3 h ago", "yesterday", or the date: how long ago a thread's last reply came. */
export function timeAgo(iso: string | null, now: Date = new Date()): string {
  if (!iso) return '';
  const then = new Date(iso);
  const minutes = Math.floor((now.getTime() - then.getTime()) / 60_000);
  if (minutes < 1) return 'just now';
  if (minutes < 60) return `${minutes} min ago`;
  if (minutes < 24 * 60) return `${Math.floor(minutes / 60)} h ago`;
  if (minutes < 48 * 60) return 'yesterday';
  return then.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

/** Why an edit cannot be saved, said to the person editing (the contract's bodyProblem speaks to developers). */
function editProblem(body: string): string | null {
  if (bodyProblem(body) === null) return null;
  const length = normalizeBody(body).length;
  if (length === 0) return 'A message cannot be empty. To remove it, delete it instead.';
  if (length > LIMITS.messageBodyMax) return `This is ${length - LIMITS.messageBodyMax} characters over the limit.`;
  return 'This text has characters that cannot be sent.';
}

/**
 * A server message; my own can be edited and deleted in place. Bodies are Markdown rendered with text
 * bindings (markdown/), never HTML.
 * Focus follows the keyboard user: into the edit box or the confirmation, and back to the
 * message's actions when they are done.
 */
@Component({
  selector: 'app-message-item',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './message.css',
  imports: [DatePipe, RouterLink, MessageActions, Avatar, ReactionBar, EmojiPicker, MarkdownBody],
  templateUrl: './message-item.html',
})
export class MessageItem {
  private readonly chat = inject(ChatStore);
  private readonly deletion = inject(MessageDeletion);
  private readonly session = inject(SessionStore);
  private readonly router = inject(Router);
  private readonly injector = inject(Injector);

  readonly message = input.required<Message>();
  readonly mine = input(false);
  readonly showHeader = input(true);
  /** Room owner or admin: may delete other people's messages too. */
  readonly canModerate = input(false);
  /** The room takes reactions (it is not archived). */
  readonly canReact = input(true);
  /** Shown in a thread panel: no thread summary, no "Reply in thread". */
  readonly inThread = input(false);
  /** The message was deleted, taking the focused control with it: the page decides where focus goes. */
  readonly focusLost = output<void>();

  protected readonly mode = signal<Mode>('view');
  protected readonly draft = signal('');
  protected readonly busy = signal(false);
  protected readonly error = signal<string | null>(null);
  protected readonly deleted = computed(() => this.message().deletedAt !== null || this.message().body === null);
  protected readonly canEdit = computed(() => this.mine() && !this.deleted());
  protected readonly canDelete = computed(() => (this.mine() || this.canModerate()) && !this.deleted());
  protected readonly canReactHere = computed(() => this.canReact() && !this.deleted());
  protected readonly canReply = computed(() => this.canReactHere() && !this.inThread() && this.message().threadRootId === null);
  protected readonly hasActions = computed(() => this.canEdit() || this.canDelete() || this.canReactHere());
  protected readonly lastReply = computed(() => timeAgo(this.message().lastReplyAt));
  /** An edit saved while offline waits for the connection (ChatStore.edit), the box read-only meanwhile. */
  protected readonly waitingToSave = computed(() => this.busy() && this.chat.connection() !== 'connected');
  protected readonly pickerOpen = signal(false);
  protected readonly editId = computed(() => `edit-${this.message().id}`);
  protected readonly errorId = computed(() => `error-${this.message().id}`);
  protected readonly blocks = computed(() => parseMarkdown(this.message().body ?? ''));
  protected readonly myUsername = computed(() => this.session.user()?.username ?? null);
  protected readonly mentionsMe = computed(() => {
    const meId = this.session.user()?.id;
    return meId !== undefined && this.message().mentions.includes(meId);
  });
  protected readonly maxLength = LIMITS.messageBodyMax;
  /** Names the article for screen readers, also when a grouped message shows no header. */
  protected readonly label = computed(() => {
    const sender = this.message().sender;
    return `Message from ${sender.displayName || sender.username}`;
  });
  /** Where the focus goes when an edit started from elsewhere (↑ in the composer) is done. */
  private returnFocus: (() => void) | null = null;
  private readonly actions = viewChild(MessageActions);
  private readonly editBox = viewChild<ElementRef<HTMLTextAreaElement>>('editBox');
  private readonly confirmCancel = viewChild<ElementRef<HTMLButtonElement>>('confirmCancel');
  private readonly confirmButton = viewChild<ElementRef<HTMLButtonElement>>('confirmButton');

  /** Edits this message from elsewhere (↑ in the composer); `returnFocus` takes the focus back when done. */
  edit(returnFocus: () => void): boolean {
    if (!this.canEdit()) return false;
    this.startEdit();
    this.returnFocus = returnFocus;
    return true;
  }

  protected startEdit(): void {
    this.returnFocus = null;
    this.draft.set(this.message().body ?? '');
    this.error.set(null);
    this.mode.set('editing');
    this.focusEditBox();
  }

  protected askDelete(): void {
    this.error.set(null);
    this.mode.set('confirm-delete');
    // The safe choice first: Enter or Space right away keeps the message.
    this.focusAfterRender(() => this.confirmCancel()?.nativeElement);
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
    this.error.set(null);
    this.backToView();
  }

  protected async save(event?: Event): Promise<void> {
    event?.preventDefault();
    if (this.busy()) return;
    const problem = editProblem(this.draft());
    if (problem) {
      this.error.set(problem);
      return;
    }
    if (this.draft().trim() === (this.message().body ?? '').trim()) {
      this.cancel();
      return;
    }
    if (await this.run(() => this.chat.edit(this.message(), this.draft()))) this.backToView();
    else this.focusEditBox();
  }

  protected openThread(): void {
    void this.router.navigate([], { queryParams: { thread: this.message().id, reply: null }, queryParamsHandling: 'merge' });
  }

  protected openPicker(): void {
    this.error.set(null);
    this.pickerOpen.set(true);
  }

  protected closePicker(): void {
    this.pickerOpen.set(false);
    this.focusAfterRender(() => this.actions());
  }

  protected async pick(emoji: string): Promise<void> {
    this.pickerOpen.set(false);
    this.focusAfterRender(() => this.actions());
    await this.react(emoji);
  }

  /** Toggles my reaction with `emoji`; a refusal shows under the message. */
  protected async react(emoji: string): Promise<void> {
    this.error.set(await this.chat.toggleReaction(this.message(), emoji));
  }

  protected async confirmDelete(): Promise<void> {
    if (await this.run(() => this.deletion.remove(this.message()))) {
      this.mode.set('view');
      this.focusLost.emit();
    } else {
      this.focusAfterRender(() => this.confirmButton()?.nativeElement);
    }
  }

  /** Returns whether the action succeeded; its error is shown otherwise. */
  private async run(action: () => Promise<string | null>): Promise<boolean> {
    this.busy.set(true);
    this.error.set(null);
    const error = await action();
    this.busy.set(false);
    this.error.set(error);
    return error === null;
  }

  private backToView(): void {
    this.mode.set('view');
    const returnFocus = this.returnFocus;
    this.returnFocus = null;
    this.focusAfterRender(() => (returnFocus ? { focus: returnFocus } : this.actions()));
  }

  /** Into the edit box, the caret after the text: ready to add to it. */
  private focusEditBox(): void {
    afterNextRender(
      {
        write: () => {
          const box = this.editBox()?.nativeElement;
          box?.focus();
          box?.setSelectionRange(box.value.length, box.value.length);
        },
      },
      { injector: this.injector },
    );
  }

  /** The control to focus exists only once the new mode has rendered. */
  private focusAfterRender(target: () => { focus(): void } | undefined): void {
    afterNextRender({ write: () => target()?.focus() }, { injector: this.injector });
  }
}
