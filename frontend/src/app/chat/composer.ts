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
  viewChild,
} from '@angular/core';
import { LIMITS, bodyProblem, normalizeBody } from '@chat/contracts';

/** Show the counter once the message gets this close to the limit. */
const COUNTER_FROM = LIMITS.messageBodyMax - 500;
/** Tallest the box grows before it scrolls (matches max-height in the styles). */
const MAX_HEIGHT_PX = 192;

/** Message box: Enter sends, Shift+Enter starts a new line, ↑ while empty edits my last message; grows with its text. */
@Component({
  selector: 'app-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  styleUrl: './composer.css',
  template: `
    <form class="composer" (submit)="submit($event)">
      <label class="visually-hidden" for="composer-input">Message</label>
      <textarea
        #box
        id="composer-input"
        class="composer__input"
        rows="1"
        enterkeyhint="send"
        [placeholder]="placeholder()"
        [value]="text()"
        [disabled]="disabled()"
        [attr.aria-describedby]="showCounter() ? 'composer-counter' : null"
        [attr.aria-invalid]="tooLong()"
        (input)="onInput($event)"
        (keydown)="onKeydown($event)"
      ></textarea>
      @if (showCounter()) {
        <span id="composer-counter" class="composer__counter" [class.is-over]="tooLong()">
          {{ tooLong() ? length() - max + ' over the limit' : max - length() + ' characters left' }}
        </span>
      }
      <button type="submit" class="button" [disabled]="!canSend()">Send</button>
    </form>
  `,
})
export class Composer {
  /** The draft; two-way bound so the page can keep one per room. */
  readonly text = model('');
  readonly placeholder = input('Write a message');
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
    if (event.target instanceof HTMLTextAreaElement) this.text.set(event.target.value);
  }

  protected onKeydown(event: KeyboardEvent): void {
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
  }

  private autoGrow(el: HTMLTextAreaElement): void {
    el.style.height = 'auto';
    const border = el.offsetHeight - el.clientHeight;
    el.style.height = `${Math.min(el.scrollHeight + border, MAX_HEIGHT_PX)}px`;
  }
}
