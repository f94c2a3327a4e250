import { DOCUMENT } from '@angular/common';
import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  afterRenderEffect,
  computed,
  inject,
  input,
  model,
  output,
  signal,
  viewChild,
} from '@angular/core';
import { LIMITS, bodyProblem, normalizeBody } from '@chat/contracts';
import { ROOM_MENTION, insertMention, mentionMatches, mentionQuery, type MentionCandidate } from './mention-suggestions';

let nextId = 0;

/** Show the counter once the message gets this close to the limit. */
const COUNTER_FROM = LIMITS.messageBodyMax - 500;
/** Tallest the box grows before it scrolls (matches max-height in the styles). */
const MAX_HEIGHT_PX = 192;

/**
 * Message box: Enter sends, Shift+Enter starts a new line, ↑ while empty edits my last message; grows with
 * its text. Typing `@` suggests the room's members (and `@room`): ↑/↓, Enter or Tab, Escape.
 */
@Component({
  selector: 'app-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './composer.css',
  template: `
    <form class="composer" (submit)="submit($event)">
      <label class="visually-hidden" [for]="id + '-input'">Message</label>
      <textarea
        #box
        [id]="id + '-input'"
        class="composer__input"
        rows="1"
        enterkeyhint="send"
        [placeholder]="placeholder()"
        [value]="text()"
        [disabled]="disabled()"
        [attr.aria-describedby]="showCounter() ? id + '-counter' : null"
        [attr.aria-invalid]="tooLong()"
        aria-autocomplete="list"
        [attr.aria-controls]="suggestion() ? id + '-mentions' : null"
        [attr.aria-activedescendant]="suggestion() ? id + '-mention-' + active() : null"
        (input)="onInput($event)"
        (keydown)="onKeydown($event)"
        (keyup)="trackCaret()"
        (click)="trackCaret()"
      ></textarea>
      @if (suggestion(); as s) {
        <!-- Chosen with the keyboard in the box (aria-activedescendant), or with a click here. -->
        <ul
          class="composer__mentions"
          [id]="id + '-mentions'"
          role="listbox"
          aria-label="People to mention"
          (mousedown)="$event.preventDefault()"
        >
          @for (candidate of s.matches; track candidate.username; let i = $index) {
            <!-- eslint-disable-next-line @angular-eslint/template/click-events-have-key-events, @angular-eslint/template/interactive-supports-focus -->
            <li role="option" [id]="id + '-mention-' + i" [attr.aria-selected]="i === active()" (click)="choose(candidate)">
              <span class="composer__mention-name">{{ candidate.displayName }}</span>&ngsp;<span class="composer__mention-handle"
                >&#64;{{ candidate.username }}</span
              >
            </li>
          }
        </ul>
      }
      @if (showCounter()) {
        <span [id]="id + '-counter'" class="composer__counter" [class.is-over]="tooLong()">
          {{ tooLong() ? length() - max + ' over the limit' : max - length() + ' characters left' }}
        </span>
      }
      <button type="submit" class="button" [disabled]="!canSend()">Send</button>
    </form>
  `,
})
export class Composer {
  /** Its elements' ids: a page may have two (the room's and a thread's). */
  protected readonly id = `composer-${nextId++}`;
  /** The draft; two-way bound so the page can keep one per room. */
  readonly text = model('');
  readonly placeholder = input('Write a message');
  /** Who `@` suggests (the room's members but me); `@room` is always offered. */
  readonly mentionables = input<readonly MentionCandidate[]>([]);
  readonly disabled = input(false);
  readonly send = output<string>();
  /** ↑ in the empty box: the page edits my last message. */
  readonly editLast = output<void>();

  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  /** Chrome sizes the box by itself (CSS field-sizing); elsewhere it is measured after each change. */
  private readonly sizesItself = inject(DOCUMENT).defaultView?.CSS?.supports?.('field-sizing', 'content') ?? false;

  protected readonly max = LIMITS.messageBodyMax;
  protected readonly length = computed(() => normalizeBody(this.text()).length);
  protected readonly tooLong = computed(() => this.length() > LIMITS.messageBodyMax);
  protected readonly showCounter = computed(() => this.length() >= COUNTER_FROM);
  protected readonly canSend = computed(() => !this.disabled() && bodyProblem(this.text()) === null);

  /** Where the caret is (the `@` being typed is the one before it). */
  private readonly caret = signal(0);
  /** Escape closes the suggestions of the `@` at this position until another `@` is typed. */
  private readonly dismissedAt = signal<number | null>(null);
  protected readonly active = signal(0);
  protected readonly suggestion = computed(() => {
    const typed = mentionQuery(this.text(), this.caret());
    if (!typed || typed.start === this.dismissedAt()) return null;
    const matches = mentionMatches([...this.mentionables(), ROOM_MENTION], typed.query);
    return matches.length ? { ...typed, matches } : null;
  });

  constructor() {
    afterRenderEffect({
      write: () => {
        this.text();
        if (!this.sizesItself) this.autoGrow(this.box().nativeElement);
      },
    });
  }

  focus(): void {
    this.box().nativeElement.focus();
  }

  protected onInput(event: Event): void {
    if (!(event.target instanceof HTMLTextAreaElement)) return;
    this.text.set(event.target.value);
    this.trackCaret();
    this.active.set(0);
  }

  protected trackCaret(): void {
    this.caret.set(this.box().nativeElement.selectionStart ?? this.text().length);
  }

  protected choose(candidate: MentionCandidate): void {
    const typed = this.suggestion();
    if (!typed) return;
    const next = insertMention(this.text(), this.caret(), typed.start, candidate.username);
    this.text.set(next.text);
    this.caret.set(next.caret);
    const box = this.box().nativeElement;
    box.value = next.text;
    box.setSelectionRange(next.caret, next.caret);
    box.focus();
  }

  /** ↑/↓ move through the suggestions, Enter or Tab takes one, Escape closes them. */
  private onSuggestionKey(event: KeyboardEvent): boolean {
    const open = this.suggestion();
    if (!open || event.isComposing) return false;
    const count = open.matches.length;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      this.active.update((i) => (i + (event.key === 'ArrowDown' ? 1 : count - 1)) % count);
    } else if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      const chosen = open.matches[Math.min(this.active(), count - 1)];
      if (chosen) this.choose(chosen);
    } else if (event.key === 'Escape') {
      this.dismissedAt.set(open.start);
      event.stopPropagation();
    } else {
      return false;
    }
    event.preventDefault();
    return true;
  }

  protected onKeydown(event: KeyboardEvent): void {
    if (this.onSuggestionKey(event)) return;
    if (event.key === 'ArrowUp' && this.text() === '' && !(event.altKey || event.ctrlKey || event.metaKey || event.shiftKey)) {
      event.preventDefault();
      this.editLast.emit();
      return;
    }
    // isComposing: Enter also confirms an IME composition (Japanese, Chinese...), not a send.
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing) return;
    event.preventDefault();
    this.submit();
  }

  protected submit(event?: Event): void {
    event?.preventDefault();
    if (!this.canSend()) return;
    this.send.emit(this.text());
    this.text.set('');
    this.caret.set(0);
    this.dismissedAt.set(null);
  }

  private autoGrow(el: HTMLTextAreaElement): void {
    el.style.height = 'auto';
    const border = el.offsetHeight - el.clientHeight;
    el.style.height = `${Math.min(el.scrollHeight + border, MAX_HEIGHT_PX)}px`;
  }
}
