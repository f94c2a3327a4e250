import { ChangeDetectionStrategy, Component, computed, input, model, output } from '@angular/core';
import { LIMITS, bodyProblem, normalizeBody } from '@chat/contracts';

/** Show the counter once the message gets this close to the limit. */
const COUNTER_FROM = LIMITS.messageBodyMax - 500;

/** Message box: Enter sends, Shift+Enter starts a new line. */
@Component({
  selector: 'app-composer',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <form class="composer" (submit)="submit($event)">
      <label class="visually-hidden" for="composer-input">Message</label>
      <textarea
        id="composer-input"
        class="composer__input"
        rows="1"
        [placeholder]="placeholder()"
        [value]="text()"
        [disabled]="disabled()"
        [attr.aria-describedby]="showCounter() ? 'composer-counter' : null"
        (input)="onInput($event)"
        (keydown)="onKeydown($event)"
      ></textarea>
      @if (showCounter()) {
        <span id="composer-counter" class="composer__counter" [class.is-over]="tooLong()"> {{ length() }} / {{ max }} </span>
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

  protected readonly max = LIMITS.messageBodyMax;
  protected readonly length = computed(() => normalizeBody(this.text()).length);
  protected readonly tooLong = computed(() => this.length() > LIMITS.messageBodyMax);
  protected readonly showCounter = computed(() => this.length() >= COUNTER_FROM);
  protected readonly canSend = computed(() => !this.disabled() && bodyProblem(this.text()) === null);

  protected onInput(event: Event): void {
    if (event.target instanceof HTMLTextAreaElement) this.text.set(event.target.value);
  }

  protected onKeydown(event: KeyboardEvent): void {
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
}
